import { BatchError } from "./batch-error.js";

const marker = Symbol.for("promptreg.batches.batch-not-found-error");

/**
 * No batch with this id for this client. Another client's batch is answered exactly like a missing one, so ids
 * cannot be probed.
 */
export class BatchNotFoundError extends BatchError {
  readonly [marker] = true;
  readonly batchId: string;

  constructor({ batchId }: { batchId: string }) {
    super({
      code: "batch_not_found",
      message: `No batch '${batchId}' for this client: the id is wrong, or its results expired (PROMPTREG_BATCH_RESULT_TTL_SECONDS after it finished).`,
    });
    this.name = "BatchNotFoundError";
    this.batchId = batchId;
  }

  static override isInstance(value: unknown): value is BatchNotFoundError {
    return typeof value === "object" && value !== null && marker in value;
  }
}
