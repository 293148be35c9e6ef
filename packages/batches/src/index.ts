// Public API of @promptreg/batches: batch jobs on BullMQ and Redis. The service's routes use the store, workers
// (in the service or `pnpm worker`) use createBatchWorker. Anything not named here is private.

export { BATCH_LIMIT_VARIABLES, type BatchLimits, DEFAULT_BATCH_LIMITS } from "./batch-limits.js";
export {
  DEFAULT_NOTIFICATION_POLICY,
  type FinishedBatch,
  NOTIFICATION_ATTEMPTS,
  type NotificationPolicy,
} from "./batch-notifications.js";
export {
  type BatchStore,
  type BatchStoreOptions,
  createBatchStore,
  DEFAULT_ITEM_RETRY,
  type ItemJobData,
  type ItemRetryPolicy,
  MAX_RESULTS_PAGE,
} from "./batch-store.js";
export {
  BATCH_PRIORITIES,
  type BatchItem,
  type BatchPriority,
  type BatchState,
  type BatchStatus,
  type BatchSubmission,
  type BatchUsage,
  type DeadLetter,
  type ItemError,
  type ItemResult,
} from "./batch-types.js";
export {
  type BatchRateLimit,
  type BatchWorker,
  type BatchWorkerOptions,
  batchRateLimit,
  createBatchWorker,
  type ItemEvent,
} from "./batch-worker.js";
export { describeErrorByFields } from "./describe-error.js";
export { BATCH_ERROR_CODES, BatchError, type BatchErrorCode } from "./errors/batch-error.js";
export { BatchLimitError, type BatchLimitName } from "./errors/batch-limit-error.js";
export { BatchNotFoundError } from "./errors/batch-not-found-error.js";
export { InvalidCursorError } from "./errors/invalid-cursor-error.js";
export { RedisEvictionPolicyError } from "./errors/redis-eviction-policy-error.js";
export { checkEvictionPolicy, type EvictionPolicyCheck } from "./redis-eviction-policy.js";
