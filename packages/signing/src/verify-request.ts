import { timingSafeEqual } from "node:crypto";
import { type BodyInput, buildStringToSign, computeSignature, hashBody } from "./canonical.js";
import { InvalidVerifyOptionsError } from "./errors/invalid-verify-options-error.js";
import {
  KEY_ID_PATTERN,
  NONCE_PATTERN,
  SIGNATURE_HEADERS,
  SIGNATURE_PATTERN,
  TIMESTAMP_PATTERN,
} from "./headers.js";
import type { NonceStore } from "./nonce-store.js";
import { redact } from "./redact.js";

export const VERIFY_FAILURE_REASONS = [
  "missing_headers",
  "unknown_key",
  "stale_timestamp",
  "replayed_nonce",
  "signature_mismatch",
] as const;
export type VerifyFailureReason = (typeof VERIFY_FAILURE_REASONS)[number];

export type VerifyResult =
  | {
      ok: true;
      keyId: string;
      /** Unix seconds from the request. */
      timestamp: number;
      nonce: string;
      /** Which of the key's secrets matched (0 = first listed). Useful to see when a rotated-out secret stops being used. */
      secretIndex: number;
    }
  | {
      ok: false;
      reason: VerifyFailureReason;
      /** Safe to return to the caller and to log: says what failed and how to fix it; contains no secrets. */
      message: string;
      /** Canonical name of the header at fault, when one header is. */
      header?: string;
      /** The key id the request claimed, when it was well-formed. */
      keyId?: string;
    };

export type HeadersInput = Headers | Record<string, string | string[] | number | undefined>;

export type LookupSecrets = (
  keyId: string,
) => readonly string[] | undefined | Promise<readonly string[] | undefined>;

export interface VerifyRequestOptions {
  method: string;
  /** Path and query exactly as received on the request line (Express: `req.originalUrl`). */
  pathAndQuery: string;
  headers: HeadersInput;
  /** The raw body bytes, before any JSON parsing. */
  body: BodyInput;
  /** Returns the active secrets of a key id (one, or two during rotation), or undefined when unknown. */
  lookupSecrets: LookupSecrets;
  nonceStore: NonceStore;
  /** Clock in milliseconds since the epoch; defaults to Date.now. */
  now?: () => number;
  /** Accepted clock skew either way, in seconds. Default 300. */
  windowSeconds?: number;
  /** How long a nonce stays single-use, in seconds. Default 600; must be at least 2 x windowSeconds. */
  nonceTtlSeconds?: number;
}

export const DEFAULT_WINDOW_SECONDS = 300;
export const DEFAULT_NONCE_TTL_SECONDS = 600;

type HeaderRead = { value: string } | { problem: "missing" | "duplicate" };

function readHeader(headers: HeadersInput, canonicalName: string): HeaderRead {
  const lower = canonicalName.toLowerCase();
  if (headers instanceof Headers) {
    const value = headers.get(lower);
    return value === null ? { problem: "missing" } : { value };
  }
  const record = headers as Record<string, string | string[] | number | undefined>;
  const matches: Array<string | string[] | number> = [];
  for (const [name, value] of Object.entries(record)) {
    if (value !== undefined && name.toLowerCase() === lower) matches.push(value);
  }
  if (matches.length === 0) return { problem: "missing" };
  if (matches.length > 1) return { problem: "duplicate" };
  const value = matches[0]!;
  if (Array.isArray(value)) {
    if (value.length === 1) return { value: value[0]! };
    return value.length === 0 ? { problem: "missing" } : { problem: "duplicate" };
  }
  return { value: String(value) };
}

function fail(
  reason: VerifyFailureReason,
  message: string,
  extra: { header?: string; keyId?: string } = {},
): VerifyResult {
  return { ok: false, reason, message, ...extra };
}

function checkOptions(windowSeconds: number, nonceTtlSeconds: number): void {
  if (!Number.isFinite(windowSeconds) || windowSeconds <= 0) {
    throw new InvalidVerifyOptionsError({
      option: "windowSeconds",
      problem: `must be a positive number of seconds (got ${windowSeconds})`,
      fix: `Omit it for the default ${DEFAULT_WINDOW_SECONDS}.`,
    });
  }
  if (!Number.isFinite(nonceTtlSeconds) || nonceTtlSeconds < 2 * windowSeconds) {
    throw new InvalidVerifyOptionsError({
      option: "nonceTtlSeconds",
      problem: `must be at least 2 x windowSeconds (${2 * windowSeconds}) (got ${nonceTtlSeconds}); a shorter TTL lets a captured request be replayed while its timestamp is still inside the window`,
      fix: `Omit it for the default ${DEFAULT_NONCE_TTL_SECONDS} or raise it.`,
    });
  }
}

/**
 * Verifies a signed request. Order: headers -> timestamp window -> key lookup -> HMAC (constant-time, every
 * active secret) -> nonce. The nonce is consumed only after the signature verified, so forged requests cannot
 * burn nonces; the timestamp is checked first because it is the cheapest test.
 *
 * Throws only for bad options, or when `lookupSecrets` / `nonceStore` themselves throw (infrastructure failures
 * the caller should answer with 5xx, not 401).
 */
export async function verifyRequest(options: VerifyRequestOptions): Promise<VerifyResult> {
  const {
    method,
    pathAndQuery,
    headers,
    body,
    lookupSecrets,
    nonceStore,
    now = Date.now,
    windowSeconds = DEFAULT_WINDOW_SECONDS,
    nonceTtlSeconds = DEFAULT_NONCE_TTL_SECONDS,
  } = options;
  checkOptions(windowSeconds, nonceTtlSeconds);

  const read = {
    key: readHeader(headers, SIGNATURE_HEADERS.key),
    timestamp: readHeader(headers, SIGNATURE_HEADERS.timestamp),
    nonce: readHeader(headers, SIGNATURE_HEADERS.nonce),
    signature: readHeader(headers, SIGNATURE_HEADERS.signature),
  };
  const missing = (Object.keys(read) as Array<keyof typeof read>)
    .filter((name) => "problem" in read[name] && (read[name] as { problem: string }).problem === "missing")
    .map((name) => SIGNATURE_HEADERS[name]);
  if (missing.length > 0) {
    return fail(
      "missing_headers",
      `Missing signing header(s): ${missing.join(", ")}. Sign every request with @promptreg/client or the recipe in docs/security.md.`,
      { header: missing[0]! },
    );
  }
  for (const name of Object.keys(read) as Array<keyof typeof read>) {
    if ("problem" in read[name]) {
      return fail(
        "missing_headers",
        `Header ${SIGNATURE_HEADERS[name]} was sent more than once; send it exactly once.`,
        { header: SIGNATURE_HEADERS[name] },
      );
    }
  }
  const keyId = (read.key as { value: string }).value;
  const timestampText = (read.timestamp as { value: string }).value;
  const nonce = (read.nonce as { value: string }).value;
  const signatureText = (read.signature as { value: string }).value;

  if (!KEY_ID_PATTERN.test(keyId)) {
    return fail(
      "missing_headers",
      `Malformed ${SIGNATURE_HEADERS.key}: expected 1-128 characters of A-Z a-z 0-9 . _ ~ -.`,
      { header: SIGNATURE_HEADERS.key },
    );
  }
  if (!TIMESTAMP_PATTERN.test(timestampText)) {
    return fail(
      "missing_headers",
      `Malformed ${SIGNATURE_HEADERS.timestamp}: expected unix seconds as a decimal integer.`,
      { header: SIGNATURE_HEADERS.timestamp, keyId },
    );
  }
  if (!NONCE_PATTERN.test(nonce)) {
    return fail(
      "missing_headers",
      `Malformed ${SIGNATURE_HEADERS.nonce}: expected unpadded base64url of at least 16 random bytes (22-128 characters).`,
      { header: SIGNATURE_HEADERS.nonce, keyId },
    );
  }
  const signatureMatch = SIGNATURE_PATTERN.exec(signatureText);
  if (signatureMatch === null) {
    return fail(
      "missing_headers",
      `Malformed ${SIGNATURE_HEADERS.signature} (starts "${redact(signatureText)}"): expected "v1=" followed by 64 lowercase hex digits.`,
      { header: SIGNATURE_HEADERS.signature, keyId },
    );
  }

  const timestamp = Number(timestampText);
  const nowSeconds = Math.floor(now() / 1000);
  const skew = timestamp - nowSeconds;
  if (Math.abs(skew) > windowSeconds) {
    return fail(
      "stale_timestamp",
      `${SIGNATURE_HEADERS.timestamp} is ${Math.abs(skew)}s in the ${skew < 0 ? "past" : "future"}; the accepted window is +/-${windowSeconds}s. Sign each request when sending it and keep the client clock in sync (NTP).`,
      { header: SIGNATURE_HEADERS.timestamp, keyId },
    );
  }

  const secrets = await lookupSecrets(keyId);
  if (secrets === undefined || secrets.length === 0) {
    return fail(
      "unknown_key",
      `Unknown key id "${redact(keyId)}" in ${SIGNATURE_HEADERS.key}. Check the key id your operator issued.`,
      { header: SIGNATURE_HEADERS.key },
    );
  }

  const expected = Buffer.from(signatureMatch[1]!, "hex");
  const stringToSign = buildStringToSign({
    method,
    pathAndQuery,
    timestamp: timestampText,
    nonce,
    bodyHash: hashBody(body),
  });
  // Every secret is tried, without an early exit, so timing does not reveal which one matched.
  let secretIndex = -1;
  secrets.forEach((secret, index) => {
    const actual = computeSignature(secret, stringToSign);
    if (actual.length === expected.length && timingSafeEqual(actual, expected) && secretIndex === -1) {
      secretIndex = index;
    }
  });
  if (secretIndex === -1) {
    return fail(
      "signature_mismatch",
      "Signature does not match. Sign the exact method, path and query as sent, and the raw body bytes; see docs/security.md for the recipe and test vectors.",
      { header: SIGNATURE_HEADERS.signature, keyId },
    );
  }

  const fresh = await nonceStore.remember(keyId, nonce, nonceTtlSeconds);
  if (!fresh) {
    return fail(
      "replayed_nonce",
      `${SIGNATURE_HEADERS.nonce} was already used within the last ${nonceTtlSeconds}s. Use a fresh random nonce for every request, including retries.`,
      { header: SIGNATURE_HEADERS.nonce, keyId },
    );
  }
  return { ok: true, keyId, timestamp, nonce, secretIndex };
}
