/** Canonical spellings of the signing headers. HTTP header names are case-insensitive; Node lower-cases them. */
export const SIGNATURE_HEADERS = {
  key: "X-Promptreg-Key",
  timestamp: "X-Promptreg-Timestamp",
  nonce: "X-Promptreg-Nonce",
  signature: "X-Promptreg-Signature",
} as const;

/**
 * Headers a webhook from the service carries besides the four above (it is signed like a client request, with the
 * batch's client credential): sent by @promptreg/webhooks, read by the client SDK's verifyWebhook.
 */
export const WEBHOOK_HEADERS = {
  /** The event type, e.g. "batch.completed". */
  event: "X-Promptreg-Event",
  /** The delivery id: the same on every attempt, so a receiver can drop duplicates. */
  delivery: "X-Promptreg-Delivery",
  /** 1 for the first attempt. */
  attempt: "X-Promptreg-Attempt",
} as const;

export type SignatureHeaders = {
  [K in (typeof SIGNATURE_HEADERS)[keyof typeof SIGNATURE_HEADERS]]: string;
};

/** Key ids appear in env values split on "," and ":", so they are restricted to unambiguous characters. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9._~-]{1,128}$/;
/** Decimal unix seconds, no sign, no fraction. */
export const TIMESTAMP_PATTERN = /^[0-9]{1,12}$/;
/** Unpadded base64url of at least 16 bytes (22 characters). */
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{22,128}$/;
/** Exactly one v1 signature: 64 lowercase hex digits. */
export const SIGNATURE_PATTERN = /^v1=([0-9a-f]{64})$/;
/** RFC 9110 token characters. */
export const METHOD_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
