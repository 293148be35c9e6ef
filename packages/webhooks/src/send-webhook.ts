import { parseRetryAfterMs, retryDelay } from "@promptreg/core";
import { createNonce, signRequest, WEBHOOK_HEADERS } from "@promptreg/signing";
import { WebhookDeliveryError, type WebhookFailureReason } from "./errors/webhook-delivery-error.js";

/** Retry policy defaults: 6 attempts over about a minute and a half at worst, each bounded. */
export const WEBHOOK_DEFAULTS = {
  maxAttempts: 6,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  /** Longest Retry-After honoured; a longer one ends the delivery (`retry_after_too_long`). */
  maxRetryAfterMs: 60_000,
  /** Each attempt: connect, send and the receiver's answer. */
  attemptTimeoutMs: 10_000,
  /** Largest JSON body sent (the event with its data); larger is a caller error, thrown before any attempt. */
  maxBodyBytes: 256 * 1024,
} as const;

/** The credential that signs: the batch's client credential (the receiver verifies with the secret it holds). */
export interface WebhookCredential {
  keyId: string;
  secret: string;
}

export interface SendWebhookOptions {
  /** http(s) URL of the receiver (the batch's callbackUrl). Credentials in it are redacted from every error. */
  url: string;
  /** Event type, e.g. "batch.completed"; sent as X-Promptreg-Event and in the body. */
  event: string;
  /** Identifies this delivery; the same on every attempt, so a receiver can drop duplicates. */
  deliveryId: string;
  /** JSON-serialisable event data. */
  data: unknown;
  credential: WebhookCredential;
  maxAttempts?: number;
  /**
   * Attempts already made elsewhere (a queue job retrying one attempt at a time): the attempt header and the
   * error's `attempts` count on from there. Default 0.
   */
  previousAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxRetryAfterMs?: number;
  attemptTimeoutMs?: number;
  signal?: AbortSignal;
  /** Injected for tests: the fetch, the clock (ms), the jitter draw and the wait between attempts. */
  fetch?: typeof globalThis.fetch;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface WebhookDelivery {
  deliveryId: string;
  /** Attempts made, the successful one included. */
  attempts: number;
  /** The receiver's 2xx status. */
  status: number;
}

/**
 * Delivers one signed webhook: a POST of `{"type", "id", "createdAt", "data"}` signed with the client-request HMAC
 * scheme (docs/security.md) over the URL's path and query, a fresh timestamp and nonce on every attempt. A 2xx
 * answer delivers. 408, 429, 5xx, timeouts and connection failures are retried with full-jitter backoff, or after
 * the receiver's Retry-After (plus jitter) when it sends one; any other 4xx is final. Throws `WebhookDeliveryError`
 * when it gives up, `TypeError` for a bad URL or an oversized body (caller errors, before any attempt).
 */
export async function sendWebhook(options: SendWebhookOptions): Promise<WebhookDelivery> {
  const {
    url,
    event,
    deliveryId,
    data,
    credential,
    maxAttempts = WEBHOOK_DEFAULTS.maxAttempts,
    previousAttempts = 0,
    baseDelayMs = WEBHOOK_DEFAULTS.baseDelayMs,
    maxDelayMs = WEBHOOK_DEFAULTS.maxDelayMs,
    maxRetryAfterMs = WEBHOOK_DEFAULTS.maxRetryAfterMs,
    attemptTimeoutMs = WEBHOOK_DEFAULTS.attemptTimeoutMs,
    signal,
    fetch = globalThis.fetch,
    now = Date.now,
    random = Math.random,
    sleep = abortableSleep,
  } = options;
  const target = parseTarget(url);
  const body = JSON.stringify({
    type: event,
    id: deliveryId,
    createdAt: new Date(now()).toISOString(),
    data,
  });
  const bodyBytes = new TextEncoder().encode(body);
  if (bodyBytes.length > WEBHOOK_DEFAULTS.maxBodyBytes) {
    throw new TypeError(
      `webhook ${deliveryId}: the event body is ${bodyBytes.length} bytes, over the ${WEBHOOK_DEFAULTS.maxBodyBytes}-byte limit; send a summary and let the receiver fetch the rest`,
    );
  }

  type Last = { status?: number; error?: string; retryAfterMs?: number | undefined };
  const fail = (reason: WebhookFailureReason, attempts: number, last: Last) =>
    new WebhookDeliveryError({
      reason,
      url,
      deliveryId,
      attempts: previousAttempts + attempts,
      lastStatus: last.status,
      lastError: last.error,
      retryAfterMs: last.retryAfterMs,
    });

  let last: Last = {};
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (signal?.aborted) throw fail("aborted", attempt - 1, last);
    const headers = {
      "Content-Type": "application/json",
      ...(target.basic ? { Authorization: target.basic } : {}),
      [WEBHOOK_HEADERS.event]: event,
      [WEBHOOK_HEADERS.delivery]: deliveryId,
      [WEBHOOK_HEADERS.attempt]: String(previousAttempts + attempt),
      ...signRequest({
        ...credential,
        method: "POST",
        pathAndQuery: target.pathAndQuery,
        body: bodyBytes,
        timestamp: Math.floor(now() / 1000),
        nonce: createNonce(),
      }),
    };
    let response: Response | undefined;
    try {
      const attemptSignal = signal
        ? AbortSignal.any([signal, AbortSignal.timeout(attemptTimeoutMs)])
        : AbortSignal.timeout(attemptTimeoutMs);
      response = await fetch(target.href, {
        method: "POST",
        headers,
        body: bodyBytes,
        signal: attemptSignal,
      });
      // The answer's body is not used; reading it frees the connection.
      await response.arrayBuffer().catch(() => undefined);
    } catch (error) {
      if (signal?.aborted) throw fail("aborted", attempt, last);
      last = { error: describe(error, attemptTimeoutMs) };
    }
    if (response) {
      if (response.status >= 200 && response.status < 300)
        return { deliveryId, attempts: previousAttempts + attempt, status: response.status };
      last = {
        status: response.status,
        retryAfterMs: parseRetryAfterMs(response.headers, { nowMs: now() }),
      };
      const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
      if (!retryable) throw fail("rejected", attempt, last);
    }
    if (attempt === maxAttempts) break;
    const delay = retryDelay({
      retry: attempt,
      retryAfterMs: last.retryAfterMs,
      baseDelayMs,
      maxDelayMs,
      maxRetryAfterMs,
      random,
    });
    if (delay === undefined) throw fail("retry_after_too_long", attempt, last);
    try {
      await sleep(delay.delayMs, signal);
    } catch {
      throw fail("aborted", attempt, last);
    }
  }
  throw fail("attempts_exhausted", maxAttempts, last);
}

function parseTarget(url: string): { href: string; pathAndQuery: string; basic: string | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError("webhook url is not an absolute URL; pass e.g. https://example.com/hooks/promptreg");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new TypeError(`webhook url must be http: or https: (got ${parsed.protocol})`);
  }
  // fetch refuses a URL with credentials: they travel as Basic auth instead (a receiver behind basic auth works), and
  // errors only ever show them redacted.
  const basic =
    parsed.username || parsed.password
      ? `Basic ${btoa(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`)}`
      : undefined;
  const href = new URL(parsed.pathname + parsed.search, parsed.origin).href;
  return { href, pathAndQuery: parsed.pathname + parsed.search, basic };
}

function describe(error: unknown, attemptTimeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return `no answer within ${attemptTimeoutMs} ms`;
  }
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error instanceof Error ? error.message : String(error)}${cause}`;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
