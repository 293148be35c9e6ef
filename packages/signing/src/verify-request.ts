import type { BodyInput } from "@promptreg/signing-core";
import { SIGNATURE_HEADERS } from "@promptreg/signing-core";
import {
  type CheckSignatureHeadersOptions,
  checkSignatureHeaders,
  checkWindow,
  DEFAULT_WINDOW_SECONDS,
  type VerifyFailure,
  verifyFailure,
} from "./check-signature.js";
import { InvalidVerifyOptionsError } from "./errors/invalid-verify-options-error.js";
import { DEFAULT_NONCE_CAPACITY, type NonceStore, type RememberOutcome } from "./nonce-store.js";

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
  | VerifyFailure;

export interface VerifyRequestOptions extends CheckSignatureHeadersOptions {
  /** The raw body bytes, before any JSON parsing. */
  body: BodyInput;
  nonceStore: NonceStore;
  /** How long a nonce stays single-use, in seconds. Default 600; must be at least 2 x windowSeconds. */
  nonceTtlSeconds?: number;
  /** Live nonces one key id may hold (its own bounded space). Default 100 000. */
  nonceCapacity?: number;
}

export const DEFAULT_NONCE_TTL_SECONDS = 600;

/** A TTL under twice the window would let a request whose timestamp is still acceptable find its nonce forgotten. */
export function checkNonceTtl(windowSeconds: number, nonceTtlSeconds: number): void {
  checkWindow(windowSeconds);
  if (!Number.isFinite(nonceTtlSeconds) || nonceTtlSeconds < 2 * windowSeconds) {
    throw new InvalidVerifyOptionsError({
      option: "nonceTtlSeconds",
      problem: `must be at least 2 x windowSeconds (${2 * windowSeconds}) (got ${nonceTtlSeconds}); a shorter TTL lets a captured request be replayed while its timestamp is still inside the window`,
      fix: `Omit it for the default ${DEFAULT_NONCE_TTL_SECONDS} or raise it.`,
    });
  }
}

/** The failure for a nonce the store refused, shared with servers that store nonces themselves. */
export function nonceFailure(
  keyId: string,
  outcome: Exclude<RememberOutcome, { outcome: "stored" }>,
  nonceTtlSeconds: number,
): VerifyFailure {
  if (outcome.outcome === "signed_before_start") {
    return verifyFailure(
      "stale_timestamp",
      `${SIGNATURE_HEADERS.timestamp} is before the nonce store started remembering (${outcome.startedAtSeconds}); it restarted empty, so requests signed before then are refused as possible replays. Sign the request again.`,
      { header: SIGNATURE_HEADERS.timestamp, keyId },
    );
  }
  if (outcome.outcome === "replayed") {
    return verifyFailure(
      "replayed_nonce",
      `${SIGNATURE_HEADERS.nonce} was already used within the last ${nonceTtlSeconds}s. Use a fresh random nonce for every request, including retries.`,
      { header: SIGNATURE_HEADERS.nonce, keyId },
    );
  }
  return verifyFailure(
    "nonce_capacity_exceeded",
    `This key id already has as many live nonces as it may hold (requests accepted in the last ${nonceTtlSeconds}s); the request was not accepted. Retry after ${outcome.retryAfterSeconds}s, or slow down.`,
    { header: SIGNATURE_HEADERS.nonce, keyId, retryAfterSeconds: outcome.retryAfterSeconds },
  );
}

/**
 * Verifies a signed request in one call: `checkSignatureHeaders` (headers, timestamp window, key), the HMAC over
 * the body, then the nonce. The nonce is consumed only after the signature verified, so forged requests cannot
 * burn nonces. A server that reads the body only after the header checks, or charges a rate limit before the
 * nonce, uses `checkSignatureHeaders` and the nonce store directly (apps/server does).
 *
 * Throws only for bad options, or when `lookupSecrets` / `nonceStore` themselves throw (infrastructure failures
 * the caller should answer with 5xx, not 401).
 */
export async function verifyRequest(options: VerifyRequestOptions): Promise<VerifyResult> {
  const {
    body,
    nonceStore,
    windowSeconds = DEFAULT_WINDOW_SECONDS,
    nonceTtlSeconds = DEFAULT_NONCE_TTL_SECONDS,
    nonceCapacity = DEFAULT_NONCE_CAPACITY,
  } = options;
  checkNonceTtl(windowSeconds, nonceTtlSeconds);
  const pending = await checkSignatureHeaders(options);
  if (!pending.ok) return pending;
  const signature = pending.verifyBody(body);
  if (!signature.ok) return signature;
  const { keyId, nonce, timestamp } = pending;
  const stored = await nonceStore.remember({
    keyId,
    nonce,
    ttlSeconds: nonceTtlSeconds,
    capacity: nonceCapacity,
    signedAtSeconds: timestamp,
  });
  if (stored.outcome !== "stored") return nonceFailure(keyId, stored, nonceTtlSeconds);
  return { ok: true, keyId, timestamp, nonce, secretIndex: signature.secretIndex };
}
