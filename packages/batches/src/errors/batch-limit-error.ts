import { BatchError } from "./batch-error.js";

/** Which documented budget (docs/batches.md) a submission exceeded. */
export type BatchLimitName = "maxItems" | "maxItemInputBytes" | "maxQueuedItems";

/** A submission over one of the documented budgets: which one, where (a JSON path), the limit and what was sent. */
export class BatchLimitError extends BatchError {
  static override readonly brand: symbol = Symbol.for("promptreg.batches.batch-limit-error");
  readonly limit: BatchLimitName;
  readonly max: number;
  readonly actual: number;
  /** JSON path of the offending part of the submission (`items`, `items[12].input`). */
  readonly path: string;
  /** The environment variable that raises the budget. */
  readonly variable: string;

  constructor(options: {
    limit: BatchLimitName;
    max: number;
    actual: number;
    path: string;
    variable: string;
    message: string;
  }) {
    // Trying again later may succeed only for the queue-wide budget (the queue drains); the others need a smaller
    // submission.
    super({
      code: "batch_limit_exceeded",
      message: options.message,
      retryable: options.limit === "maxQueuedItems",
    });
    this.name = "BatchLimitError";
    this.limit = options.limit;
    this.max = options.max;
    this.actual = options.actual;
    this.path = options.path;
    this.variable = options.variable;
  }
}
