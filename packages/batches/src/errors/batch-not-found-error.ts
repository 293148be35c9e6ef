import { BatchError } from "./batch-error.js";

/**
 * No batch with this id for this client. Another client's batch is answered exactly like a missing one, so ids
 * cannot be probed.
 */
export class BatchNotFoundError extends BatchError {
  static override readonly brand: symbol = Symbol.for("promptreg.batches.batch-not-found-error");
  readonly batchId: string;

  constructor({ batchId }: { batchId: string }) {
    super({
      code: "batch_not_found",
      message: `No batch '${batchId}' for this client: the id is wrong, or its results expired (PROMPTREG_BATCH_RESULT_TTL_SECONDS after it finished).`,
    });
    this.name = "BatchNotFoundError";
    this.batchId = batchId;
  }
}
