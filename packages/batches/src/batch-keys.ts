/** Default key prefix (the service's PROMPTREG_REDIS_KEY_PREFIX). */
export const DEFAULT_KEY_PREFIX = "promptreg:";
export const QUEUE_NAME = "batch-items";
/** The queue of completion webhooks: one job per finished batch that has a callbackUrl, its id the batch id. */
export const NOTIFY_QUEUE_NAME = "batch-webhooks";

/** Where the batch records live in Redis: everything under one prefix, BullMQ's queue keys included. */
export function batchKeys(prefix: string) {
  return {
    /** BullMQ's `prefix` option: its keys are `<prefix>queue:batch-items:*` and `<prefix>queue:batch-webhooks:*`. */
    queuePrefix: `${prefix}queue`,
    /** Hash: owner, total, priority, created/started/finished, counters, usage. */
    batch: (id: string) => `${prefix}batch:${id}`,
    /** Hash: item index -> result JSON, written once per index (HSETNX). */
    results: (id: string) => `${prefix}batch:${id}:results`,
    /** Sorted set of unfinished batch ids by creation time (the backlog's oldest waiting age). */
    unfinished: `${prefix}batches:unfinished`,
    /** List of dead letters, newest first, capped. */
    deadLetters: `${prefix}batches:dead-letters`,
    /** rate-limiter-flexible's key prefix for the tokens-per-minute budget. */
    tokenLimiter: `${prefix}batches:tokens`,
  };
}

export type BatchKeys = ReturnType<typeof batchKeys>;

/** BullMQ job id of one item (custom ids may not contain ':'). */
export function itemJobId(batchId: string, index: number): string {
  return `${batchId}-${index}`;
}
