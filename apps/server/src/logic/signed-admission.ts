import type { RememberNonceInput, RememberOutcome } from "@promptreg/signing";
import type { RateLimitDecision } from "./rate-limit-store.js";

/** What `admitRequest` knows once a request's HMAC verified: its nonce, and the client's budget. */
export interface SignedAdmissionInput extends RememberNonceInput {
  signedAtSeconds: number;
  requestsPerMinute: number;
}

/**
 * The replay check, the rate limit and the nonce of one signed request: replayed (refused before it is charged),
 * refused by the rate limit (its nonce not stored), or charged with the nonce's outcome.
 */
export type SignedAdmissionStep =
  | { step: "replayed" }
  | { step: "rate_limited"; limit: RateLimitDecision }
  | { step: "charged"; limit: RateLimitDecision; stored: RememberOutcome };

/**
 * Nonces and rate limits kept in one place that can take the three steps of a signed request at once, in their
 * order (the Redis store: one script, one round trip, instead of the nonce store's `seen`, the rate-limit store's
 * `take` and `remember` one after the other). Without one, `admitRequest` takes the steps one by one.
 */
export interface SignedAdmissionStore {
  admit(input: SignedAdmissionInput): Promise<SignedAdmissionStep>;
}
