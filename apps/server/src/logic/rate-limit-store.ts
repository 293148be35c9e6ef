import { SERVICE_LIMITS } from "../limits.js";

/** Decision for one request against a client's budget. */
export interface RateLimitDecision {
  allowed: boolean;
  /** Whole requests left in the bucket after this one. */
  remaining: number;
  /** Seconds until one more request would be allowed (0 when allowed). */
  retryAfterSeconds: number;
}

/**
 * Where per-client budgets live. The memory store suits one instance; several replicas need a shared store
 * (Redis) implementing the same method.
 */
export interface RateLimitStore {
  take(key: string, limit: { requestsPerMinute: number }): Promise<RateLimitDecision>;
  /**
   * Set by a store that answers without I/O (memory): `take` answered at once, so admission skips a microtask per
   * request. It must charge the same bucket as `take`; a store on a network (Redis) leaves it unset.
   */
  readonly sync?: { take(key: string, limit: { requestsPerMinute: number }): RateLimitDecision };
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Token buckets in memory: capacity = requests per minute, refilled continuously, so a client can burst up to
 * its minute budget and then proceeds at the sustained rate. Idle buckets are dropped once full again.
 */
export function createMemoryRateLimitStore({
  now = () => Date.now(),
  maxKeys = SERVICE_LIMITS.rateLimitClients,
}: {
  now?: () => number;
  maxKeys?: number;
} = {}): RateLimitStore {
  const buckets = new Map<string, Bucket>();
  const sync = {
    take(key: string, { requestsPerMinute }: { requestsPerMinute: number }): RateLimitDecision {
      const at = now();
      const perMs = requestsPerMinute / 60_000;
      const bucket = buckets.get(key) ?? { tokens: requestsPerMinute, updatedAt: at };
      bucket.tokens = Math.min(requestsPerMinute, bucket.tokens + (at - bucket.updatedAt) * perMs);
      bucket.updatedAt = at;
      if (!buckets.has(key)) {
        if (buckets.size >= maxKeys) evictFull({ buckets, capacity: requestsPerMinute, at, perMs, maxKeys });
        buckets.set(key, bucket);
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0 };
      }
      return {
        allowed: false,
        remaining: 0,
        retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)),
      };
    },
  };
  return {
    sync,
    async take(key, limit) {
      return sync.take(key, limit);
    },
  };
}

function evictFull({
  buckets,
  capacity,
  at,
  perMs,
  maxKeys,
}: {
  buckets: Map<string, Bucket>;
  capacity: number;
  at: number;
  perMs: number;
  maxKeys: number;
}): void {
  for (const [key, bucket] of buckets) {
    if (bucket.tokens + (at - bucket.updatedAt) * perMs >= capacity) buckets.delete(key);
  }
  // Still full of busy clients: drop the oldest rather than grow without bound.
  if (buckets.size > 0 && buckets.size >= maxKeys) {
    const first = buckets.keys().next().value;
    if (first !== undefined) buckets.delete(first);
  }
}
