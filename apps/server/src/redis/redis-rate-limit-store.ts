import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { SharedStateUnavailableError } from "../errors/shared-state-unavailable-error.js";
import type { RateLimitDecision, RateLimitStore } from "../logic/rate-limit-store.js";

/** The fixed window of every Redis rate limit: a budget per minute. */
export const RATE_LIMIT_WINDOW_SECONDS = 60;

/**
 * The counter of one client's budget, as rate-limiter-flexible names it (`<keyPrefix>:<key>`, the limiter's prefix
 * being `<prefix>ratelimit:<rpm>`). The signed-request script (redis-nonce-store.ts) charges this same key.
 */
export function rateLimitKey({
  keyPrefix,
  requestsPerMinute,
  keyId,
}: {
  keyPrefix: string;
  requestsPerMinute: number;
  keyId: string;
}): string {
  return `${keyPrefix}ratelimit:${requestsPerMinute}:${keyId}`;
}

/** A decision from a window's counter after this request was counted, as RateLimiterRes reports it. */
export function decisionFromWindow({
  requestsPerMinute,
  consumed,
  msBeforeNext,
}: {
  requestsPerMinute: number;
  consumed: number;
  msBeforeNext: number;
}): RateLimitDecision {
  if (consumed <= requestsPerMinute) {
    return { allowed: true, remaining: requestsPerMinute - consumed, retryAfterSeconds: 0 };
  }
  return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)) };
}

/**
 * Per-client budgets shared by every replica: rate-limiter-flexible's RateLimiterRedis (one atomic INCR + TTL script
 * per request), a fixed one-minute window of `requestsPerMinute` requests per client. Unlike the memory store's token
 * bucket, a client may send its budget at the end of one window and again at the start of the next (at most twice
 * the budget within a few seconds); over any whole window the limit holds across all replicas.
 * Keys: `rateLimitKey`, expiring with their window. A Redis failure throws `SharedStateUnavailableError` (fails
 * closed): with the limiter's `rejectIfRedisNotReady`, at once while disconnected. Signed requests are charged by
 * the nonce store's one-round-trip script on the same keys; this store charges the others (authentication off).
 */
export function createRedisRateLimitStore({
  client,
  keyPrefix,
}: {
  client: Redis;
  keyPrefix: string;
}): RateLimitStore {
  // One limiter per budget size; clients share the few sizes configured (default, and per-client overrides).
  const limiters = new Map<number, RateLimiterRedis>();
  const limiterFor = (requestsPerMinute: number) => {
    let limiter = limiters.get(requestsPerMinute);
    if (!limiter) {
      limiter = new RateLimiterRedis({
        storeClient: client,
        keyPrefix: `${keyPrefix}ratelimit:${requestsPerMinute}`,
        points: requestsPerMinute,
        duration: RATE_LIMIT_WINDOW_SECONDS,
        rejectIfRedisNotReady: true,
      });
      limiters.set(requestsPerMinute, limiter);
    }
    return limiter;
  };
  return {
    async take(key, { requestsPerMinute }) {
      try {
        const res = await limiterFor(requestsPerMinute).consume(key, 1);
        return decisionFromWindow({ requestsPerMinute, consumed: res.consumedPoints, msBeforeNext: 0 });
      } catch (error) {
        // The limiter rejects with its result when the budget is spent, with an Error when Redis failed.
        if (error instanceof RateLimiterRes) {
          return decisionFromWindow({
            requestsPerMinute,
            consumed: Math.max(error.consumedPoints, requestsPerMinute + 1),
            msBeforeNext: error.msBeforeNext,
          });
        }
        throw new SharedStateUnavailableError({ store: "rate_limits", cause: error });
      }
    },
  };
}
