import { quote } from "@promptreg/core";
import { BatchError } from "./batch-error.js";

/**
 * The Redis that holds the batch queue may evict keys: its `maxmemory-policy` is not `noeviction`. BullMQ keeps jobs,
 * locks and counters in plain keys, so an eviction under memory pressure silently loses or corrupts batch items.
 * Raised at start; the service reports it as not ready.
 */
export class RedisEvictionPolicyError extends BatchError {
  static override readonly brand: symbol = Symbol.for("promptreg.batches.RedisEvictionPolicyError");
  /** The policy Redis reported, e.g. "allkeys-lru". */
  readonly policy: string;
  /** The setting to change. */
  readonly setting = "maxmemory-policy";

  constructor({ policy }: { policy: string }) {
    super({
      code: "redis_eviction_policy",
      origin: "internal",
      message: `Redis maxmemory-policy is ${quote(policy)}, but batch queues need "noeviction" (BullMQ loses jobs when Redis evicts keys). Set maxmemory-policy noeviction (redis.conf, CONFIG SET maxmemory-policy noeviction, or your managed Redis's parameter group), or give batches a Redis of their own.`,
    });
    this.name = "RedisEvictionPolicyError";
    this.policy = policy;
  }
}
