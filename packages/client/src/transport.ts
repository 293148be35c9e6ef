import { parseRetryAfterMs, retryDelay } from "@promptreg/core";
import { signRequest } from "@promptreg/signing-core";
import { errorFromResponse } from "./error-from-response.js";
import { ConnectionError } from "./errors/connection-error.js";
import { InvalidResponseError } from "./errors/invalid-response-error.js";
import { RequestAbortedError } from "./errors/request-aborted-error.js";
import { RequestTimeoutError } from "./errors/request-timeout-error.js";
import { RETRYABLE_STATUSES } from "./retry-policy.js";
import type { RetryInfo } from "./types.js";

export interface TransportConfig {
  baseUrl: URL;
  keyId: string;
  secret: string;
  fetch: typeof fetch;
  timeoutMs: number;
  maxRetries: number;
  maxDelayMs: number;
  baseDelayMs: number;
  onRetry: ((info: RetryInfo) => void) | undefined;
  headers: Record<string, string>;
  random: () => number;
}

/** An open streaming response. `close()` cancels the HTTP request if it is still running and unlinks the caller's signal. */
export interface OpenStream {
  body: ReadableStream<Uint8Array>;
  requestId: string | undefined;
  callerSignal: AbortSignal | undefined;
  close(): void;
}

const TIMEOUT = Symbol("timeout");

/** Joins the base URL's path prefix and an API path, so "http://h/prefix/" + "/v1/run" -> "/prefix/v1/run". */
function urlFor(baseUrl: URL, path: string): URL {
  const prefix = baseUrl.pathname.replace(/\/+$/, "");
  return new URL(`${prefix}${path}`, baseUrl);
}

function abortError(signal: AbortSignal, what: string): RequestAbortedError {
  return new RequestAbortedError({
    type: "aborted",
    code: "aborted",
    message: `${what} was aborted by the caller's AbortSignal.`,
    cause: signal.reason,
  });
}

function sleep(ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal, what));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!, what));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * One attempt's abort wiring: the attempt controller aborts on the caller's signal or on the timeout, and
 * remembers which, so the error says whether the caller, the clock or the network ended it.
 */
function attemptController(callerSignal: AbortSignal | undefined, timeoutMs: number) {
  const controller = new AbortController();
  const onCallerAbort = () => controller.abort(callerSignal!.reason);
  callerSignal?.addEventListener("abort", onCallerAbort, { once: true });
  let timer: NodeJS.Timeout | undefined = setTimeout(() => controller.abort(TIMEOUT), timeoutMs);
  return {
    signal: controller.signal,
    timedOut: () => controller.signal.aborted && controller.signal.reason === TIMEOUT,
    stopTimer() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
    release() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      callerSignal?.removeEventListener("abort", onCallerAbort);
    },
    abort() {
      controller.abort();
    },
  };
}

export function createTransport(config: TransportConfig) {
  async function attemptLoop(options: {
    method: "GET" | "POST" | "DELETE";
    path: string;
    body: unknown;
    signal: AbortSignal | undefined;
    stream: boolean;
  }): Promise<{ response: Response; attempt: ReturnType<typeof attemptController> }> {
    const { method, path, signal, stream } = options;
    const what = `${method} ${path}`;
    const url = urlFor(config.baseUrl, path);
    const pathAndQuery = `${url.pathname}${url.search}`;
    const bodyText = method === "POST" ? JSON.stringify(options.body) : "";
    for (let retry = 0; ; retry++) {
      if (signal?.aborted) throw abortError(signal, what);
      // Every attempt is signed afresh: a retry with the same nonce would be refused as a replay. Signed before the
      // attempt's timer starts, so a runtime without Web Crypto throws without leaving a timer behind.
      const signed = await signRequest({
        keyId: config.keyId,
        secret: config.secret,
        method,
        pathAndQuery,
        body: bodyText,
      });
      const attempt = attemptController(signal, config.timeoutMs);
      let response: Response;
      try {
        response = await config.fetch(url, {
          method,
          headers: {
            ...config.headers,
            ...(method === "POST" ? { "content-type": "application/json" } : {}),
            accept: stream ? "text/event-stream" : "application/json",
            ...signed,
          },
          body: method === "POST" ? bodyText : undefined,
          signal: attempt.signal,
        });
      } catch (error) {
        attempt.release();
        throw classifyFailure({ error, attempt, signal, what, timeoutMs: config.timeoutMs });
      }
      if (response.ok) return { response, attempt };

      const requestId = response.headers.get("x-request-id") ?? undefined;
      const retryAfterMs = parseRetryAfterMs(response.headers, { nowMs: Date.now() });
      let errorBody: string;
      try {
        errorBody = await response.text();
      } catch (error) {
        throw classifyFailure({ error, attempt, signal, what, timeoutMs: config.timeoutMs });
      } finally {
        attempt.release();
      }
      const failure = errorFromResponse({
        status: response.status,
        bodyText: errorBody,
        requestId,
        retryAfterMs,
        what,
      });
      if (!RETRYABLE_STATUSES.has(response.status) || retry >= config.maxRetries) throw failure;
      // maxDelayMs bounds both: the backoff, and the longest Retry-After worth waiting for.
      const delay = retryDelay({
        retry: retry + 1,
        retryAfterMs,
        baseDelayMs: config.baseDelayMs,
        maxDelayMs: config.maxDelayMs,
        maxRetryAfterMs: config.maxDelayMs,
        random: config.random,
      });
      if (delay === undefined) throw failure;
      const delayMs = delay.delayMs;
      config.onRetry?.({ attempt: retry + 1, status: response.status, delayMs, retryAfterMs, path });
      await sleep(delayMs, signal, what);
    }
  }

  async function requestJson(options: {
    method: "GET" | "POST" | "DELETE";
    path: string;
    body: unknown;
    signal: AbortSignal | undefined;
  }): Promise<unknown> {
    const what = `${options.method} ${options.path}`;
    const { response, attempt } = await attemptLoop({ ...options, stream: false });
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw classifyFailure({ error, attempt, signal: options.signal, what, timeoutMs: config.timeoutMs });
    } finally {
      attempt.release();
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new InvalidResponseError({
        type: "invalid_response",
        code: "invalid_json",
        message: `${what} answered HTTP ${response.status} with a body that is not JSON (${text.length} bytes). Is baseUrl pointing at the promptreg service?`,
        status: response.status,
        ...(response.headers.get("x-request-id") ? { requestId: response.headers.get("x-request-id")! } : {}),
        cause: error,
      });
    }
  }

  return {
    /** Sends a signed JSON POST (retrying 429/503) and returns the parsed JSON answer. */
    postJson(options: { path: string; body: unknown; signal: AbortSignal | undefined }): Promise<unknown> {
      return requestJson({ ...options, method: "POST" });
    },

    /** Sends a signed GET (retrying 429/503) and returns the parsed JSON answer. */
    getJson(options: { path: string; signal: AbortSignal | undefined }): Promise<unknown> {
      return requestJson({ ...options, method: "GET", body: undefined });
    },
    /** Sends a signed DELETE (retrying 429/503: only idempotent operations use it) and returns the JSON answer. */
    deleteJson(options: { path: string; signal: AbortSignal | undefined }): Promise<unknown> {
      return requestJson({ ...options, method: "DELETE", body: undefined });
    },
    /** Opens a signed SSE POST (retrying 429/503 before any event arrived). The timeout stops once headers arrive. */
    async openStream(options: {
      path: string;
      body: unknown;
      signal: AbortSignal | undefined;
    }): Promise<OpenStream> {
      const what = `POST ${options.path}`;
      const { response, attempt } = await attemptLoop({ ...options, method: "POST", stream: true });
      attempt.stopTimer();
      const contentType = response.headers.get("content-type") ?? "";
      const requestId = response.headers.get("x-request-id") ?? undefined;
      if (!contentType.includes("text/event-stream") || response.body === null) {
        attempt.abort();
        attempt.release();
        throw new InvalidResponseError({
          type: "invalid_response",
          code: "not_event_stream",
          message: `${what} answered "${contentType || "no content-type"}" instead of text/event-stream. Is baseUrl pointing at the promptreg service?`,
          status: response.status,
          ...(requestId ? { requestId } : {}),
        });
      }
      return {
        body: response.body,
        requestId,
        callerSignal: options.signal,
        close() {
          attempt.abort();
          attempt.release();
        },
      };
    },
  };
}

function classifyFailure(options: {
  error: unknown;
  attempt: { timedOut(): boolean };
  signal: AbortSignal | undefined;
  what: string;
  timeoutMs: number;
}) {
  const { error, attempt, signal, what } = options;
  if (signal?.aborted) return abortError(signal, what);
  if (attempt.timedOut()) {
    return new RequestTimeoutError({
      type: "timeout",
      code: "timeout",
      message: `${what} got no complete answer within ${options.timeoutMs} ms. Raise timeoutMs or check the service's health.`,
      cause: error,
    });
  }
  const reason =
    error instanceof Error
      ? error.cause instanceof Error
        ? error.cause.message
        : error.message
      : String(error);
  return new ConnectionError({
    type: "connection_error",
    code: "connection_failed",
    message: `${what} could not reach the service (${reason}). Check baseUrl and that the service is running.`,
    cause: error,
  });
}
