import { ServerError } from "./server-error.js";

/**
 * Batch endpoints on a service without Redis: 501, because the service deliberately does not offer them (an
 * in-memory queue would lose every batch on restart), with how to turn them on.
 */
export class BatchesNotConfiguredError extends ServerError {
  static override readonly brand: symbol = Symbol.for("promptreg.server.BatchesNotConfiguredError");

  constructor({ endpoint }: { endpoint: string }) {
    super({
      type: "not_implemented",
      status: 501,
      code: "batches_not_configured",
      origin: "internal",
      message: `${endpoint}: batch jobs need Redis, and this service has none. The operator enables them by setting REDIS_URL (a Redis with appendonly yes); see docs/batches.md.`,
      details: { enable: "REDIS_URL", docs: "docs/batches.md" },
    });
    this.name = "BatchesNotConfiguredError";
  }
}
