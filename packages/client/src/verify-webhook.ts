import {
  buildStringToSign,
  hashBody,
  KEY_ID_PATTERN,
  matchSignature,
  NONCE_PATTERN,
  SIGNATURE_HEADERS,
  SIGNATURE_PATTERN,
  TIMESTAMP_PATTERN,
  WEBHOOK_HEADERS,
} from "@promptreg/signing-core";
import { WebhookVerificationError } from "./errors/webhook-verification-error.js";

/** A webhook that verified. */
export interface VerifiedWebhook<Data = unknown> {
  /** The event type, e.g. "batch.completed". */
  type: string;
  /** The delivery id, the same on every retry of this delivery: keep the ids you handled and skip repeats. */
  id: string;
  createdAt: string;
  data: Data;
  /** Which secret of `secrets` matched (0 or 1 during a rotation). */
  secretIndex: number;
}

export interface VerifyWebhookOptions {
  /** As received on the request line, e.g. Express's `req.originalUrl`; the signature covers it. */
  pathAndQuery: string;
  /** A fetch `Headers` or Node's `req.headers`. */
  headers: Headers | Record<string, string | string[] | undefined>;
  /** The raw body bytes as received (before any JSON parsing): a string is UTF-8 encoded. */
  body: string | Uint8Array;
  /** Your client credential: its key id and its secret (two during a rotation). */
  keyId: string;
  secrets: string | readonly string[];
  /** Accepted clock difference either way, in seconds. Default 300, as the service's own window. */
  toleranceSeconds?: number;
  /**
   * Your memory of nonces seen in the last 2 x tolerance: return true for a nonce seen before. Called only once the
   * signature verified. Without it, deduplicate on `id` (every retry carries a fresh nonce but the same id).
   */
  isReplay?: (nonce: string) => boolean | Promise<boolean>;
  /** Clock in milliseconds. */
  now?: () => number;
}

const encoder = new TextEncoder();

/**
 * Verifies a webhook from the promptreg service (a batch finished): the same HMAC-SHA256 scheme the SDK signs its
 * requests with (docs/security.md), made by the service with your client credential, over POST, the path and query,
 * the timestamp, the nonce and the SHA-256 of the raw body. Web Crypto only (`crypto.subtle`): runs on Node 20,
 * Deno, Bun, browsers and edge runtimes. Throws `WebhookVerificationError`; never acts on an unverified body.
 */
export async function verifyWebhook<Data = unknown>(
  options: VerifyWebhookOptions,
): Promise<VerifiedWebhook<Data>> {
  const { pathAndQuery, headers, body, keyId, toleranceSeconds = 300, isReplay, now = Date.now } = options;
  const secrets = typeof options.secrets === "string" ? [options.secrets] : [...options.secrets];
  const read = (name: string) => {
    const value =
      headers instanceof Headers ? headers.get(name) : (headers[name.toLowerCase()] ?? headers[name] ?? null);
    if (value === null || value === undefined || value === "") {
      throw new WebhookVerificationError({
        reason: "missing_header",
        message: `${name} is missing.`,
        header: name,
      });
    }
    if (Array.isArray(value)) {
      throw new WebhookVerificationError({
        reason: "malformed_header",
        message: `${name} was sent more than once.`,
        header: name,
      });
    }
    return value as string;
  };
  const malformed = (header: string, what: string) =>
    new WebhookVerificationError({ reason: "malformed_header", message: `${header} ${what}.`, header });

  const sentKey = read(SIGNATURE_HEADERS.key);
  const timestamp = read(SIGNATURE_HEADERS.timestamp);
  const nonce = read(SIGNATURE_HEADERS.nonce);
  const signature = read(SIGNATURE_HEADERS.signature);
  if (!KEY_ID_PATTERN.test(sentKey)) throw malformed(SIGNATURE_HEADERS.key, "is not a key id");
  if (!TIMESTAMP_PATTERN.test(timestamp)) throw malformed(SIGNATURE_HEADERS.timestamp, "is not unix seconds");
  if (!NONCE_PATTERN.test(nonce)) throw malformed(SIGNATURE_HEADERS.nonce, "is not a base64url nonce");
  const hex = SIGNATURE_PATTERN.exec(signature)?.[1];
  if (hex === undefined) throw malformed(SIGNATURE_HEADERS.signature, "is not v1=<64 hex digits>");
  if (sentKey !== keyId) {
    throw new WebhookVerificationError({
      reason: "unknown_key",
      message: `${SIGNATURE_HEADERS.key} names a key id other than this receiver's credential.`,
      header: SIGNATURE_HEADERS.key,
    });
  }
  const skew = Math.abs(Math.floor(now() / 1000) - Number(timestamp));
  if (skew > toleranceSeconds) {
    throw new WebhookVerificationError({
      reason: "stale_timestamp",
      message: `${SIGNATURE_HEADERS.timestamp} is ${skew} s away from this receiver's clock (at most ${toleranceSeconds} s accepted); check the clock (NTP).`,
      header: SIGNATURE_HEADERS.timestamp,
    });
  }

  const bodyBytes = typeof body === "string" ? encoder.encode(body) : body;
  const stringToSign = buildStringToSign({
    method: "POST",
    pathAndQuery,
    timestamp,
    nonce,
    bodyHash: await hashBody(bodyBytes),
  });
  // Every secret is tried (no early exit), each comparison inside crypto.subtle.verify.
  const secretIndex = await matchSignature({ secrets, stringToSign, signatureHex: hex });
  if (secretIndex === -1) {
    throw new WebhookVerificationError({
      reason: "signature_mismatch",
      message: `${SIGNATURE_HEADERS.signature} does not match the body, path and headers under this credential; pass the raw body bytes and the path exactly as received.`,
      header: SIGNATURE_HEADERS.signature,
    });
  }
  if (isReplay && (await isReplay(nonce))) {
    throw new WebhookVerificationError({
      reason: "replayed_nonce",
      message: `${SIGNATURE_HEADERS.nonce} was seen before: a replayed webhook.`,
      header: SIGNATURE_HEADERS.nonce,
    });
  }
  let event: { type?: unknown; id?: unknown; createdAt?: unknown; data?: unknown };
  try {
    event = JSON.parse(new TextDecoder().decode(bodyBytes)) as typeof event;
  } catch {
    throw new WebhookVerificationError({ reason: "invalid_body", message: "The webhook body is not JSON." });
  }
  if (
    typeof event?.type !== "string" ||
    typeof event.id !== "string" ||
    typeof event.createdAt !== "string"
  ) {
    throw new WebhookVerificationError({
      reason: "invalid_body",
      message: "The webhook body lacks its type, id or createdAt string.",
    });
  }
  const sentType = read(WEBHOOK_HEADERS.event);
  if (sentType !== event.type) throw malformed(WEBHOOK_HEADERS.event, "differs from the body's type");
  return {
    type: event.type,
    id: event.id,
    createdAt: event.createdAt,
    data: event.data as Data,
    secretIndex,
  };
}
