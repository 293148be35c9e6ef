import { PromptregBaseError } from "@promptreg/core";

/** The codes of every error this package throws, closed so callers (the HTTP adapter, the CLI) narrow on them. */
export const BATCH_ERROR_CODES = {
  /** No batch with that id is visible to the caller (never created, expired, or another client's). */
  batch_not_found: "batch_not_found",
  /** A documented budget was exceeded: items per batch, bytes of one item's input, queued items overall. */
  batch_limit_exceeded: "batch_limit_exceeded",
  /** A results cursor that this service did not hand out. */
  invalid_cursor: "invalid_cursor",
  /** The Redis under the queue may evict keys (maxmemory-policy is not noeviction): BullMQ would lose jobs. */
  redis_eviction_policy: "redis_eviction_policy",
} as const;

export type BatchErrorCode = keyof typeof BATCH_ERROR_CODES;

/** Base of the errors of @promptreg/batches. Branch on `code` or `X.isInstance(error)`, never on the message. */
export class BatchError extends PromptregBaseError<BatchErrorCode> {
  static override readonly brand: symbol = Symbol.for("promptreg.batches.batch-error");

  constructor(options: {
    code: BatchErrorCode;
    message: string;
    cause?: unknown;
    retryable?: boolean;
    origin?: "caller" | "internal";
  }) {
    // Batch errors are about what the caller asked for (an unknown id, a budget, a foreign cursor): origin caller;
    // only a full queue (BatchLimitError maxQueuedItems) may clear by itself. A misconfigured Redis is internal.
    super({
      code: options.code,
      message: options.message,
      cause: options.cause,
      origin: options.origin ?? "caller",
      retryable: options.retryable ?? false,
    });
    this.name = "BatchError";
  }
}
