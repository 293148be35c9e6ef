/**
 * Every budget of the batch system, with its default and the environment variable that sets it in the service
 * (docs/batches.md has the same table; a test keeps them equal). Everything that can grow is bounded here.
 */
export interface BatchLimits {
  /** Items in one submission (PROMPTREG_BATCH_MAX_ITEMS). */
  maxItems: number;
  /** Bytes of one item's `input` and `metadata` as JSON (PROMPTREG_BATCH_MAX_ITEM_INPUT_BYTES). */
  maxItemInputBytes: number;
  /** Items waiting in the queue across all batches; a submission past it is refused, retry later (PROMPTREG_BATCH_MAX_QUEUED_ITEMS). */
  maxQueuedItems: number;
  /** Bytes of one item's stored result; a larger one is stored as the typed error `result_too_large` (PROMPTREG_BATCH_MAX_RESULT_BYTES). */
  maxResultBytes: number;
  /** How long a finished batch and its results stay readable (PROMPTREG_BATCH_RESULT_TTL_SECONDS). */
  resultTtlSeconds: number;
  /** Longest a batch may stay unfinished before its records expire anyway (PROMPTREG_BATCH_MAX_AGE_SECONDS). */
  maxAgeSeconds: number;
  /** Entries kept in the dead-letter list; the oldest are dropped beyond it (PROMPTREG_BATCH_DEAD_LETTER_CAPACITY). */
  deadLetterCapacity: number;
}

export const DEFAULT_BATCH_LIMITS: Readonly<BatchLimits> = {
  maxItems: 10_000,
  maxItemInputBytes: 32 * 1024,
  maxQueuedItems: 200_000,
  maxResultBytes: 64 * 1024,
  resultTtlSeconds: 7 * 24 * 3600,
  maxAgeSeconds: 3 * 24 * 3600,
  deadLetterCapacity: 10_000,
};

/** The service's environment variable for each budget (also named in the errors, so a caller knows what to ask for). */
export const BATCH_LIMIT_VARIABLES: Readonly<Record<keyof BatchLimits, string>> = {
  maxItems: "PROMPTREG_BATCH_MAX_ITEMS",
  maxItemInputBytes: "PROMPTREG_BATCH_MAX_ITEM_INPUT_BYTES",
  maxQueuedItems: "PROMPTREG_BATCH_MAX_QUEUED_ITEMS",
  maxResultBytes: "PROMPTREG_BATCH_MAX_RESULT_BYTES",
  resultTtlSeconds: "PROMPTREG_BATCH_RESULT_TTL_SECONDS",
  maxAgeSeconds: "PROMPTREG_BATCH_MAX_AGE_SECONDS",
  deadLetterCapacity: "PROMPTREG_BATCH_DEAD_LETTER_CAPACITY",
};
