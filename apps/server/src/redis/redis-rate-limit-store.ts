import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { SharedStateUnavailableError } from "../errors/shared-state-unavailable-error.js";
import type { RateLimitStore } from "../logic/rate-limit-store.js";

/**
 * Per-client budgets shared by every replica: rate-limiter-flexible's RateLimiterRedis (one atomic INCR + TTL script
 * per request), a fixed one-minute window of `requestsPerMinute` requests per client. Unlike the memory store's token
 * bucket, a client may send its budget at the end of one window and again at the start of the next (at most twice
 * the budget within a few seconds); over any whole window the limit holds across all replicas.
 * Keys: `<prefix>ratelimit:<rpm>:<keyId>`, expiring with their window. A Redis failure throws
 * `SharedStateUnavailableError` (fails closed): with the limiter's `rejectIfRedisNotReady`, at once while disconnected.
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
        duration: 60,
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
        return { allowed: true, remaining: res.remainingPoints, retryAfterSeconds: 0 };
      } catch (error) {
        // The limiter rejects with its result when the budget is spent, with an Error when Redis failed.
        if (error instanceof RateLimiterRes) {
          return {
            allowed: false,
            remaining: 0,
            retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)),
          };
        }
        throw new SharedStateUnavailableError({ store: "rate_limits", cause: error });
      }
    },
  };
}
