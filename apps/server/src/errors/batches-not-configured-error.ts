import { ServerError } from "./server-error.js";

const marker = Symbol.for("promptreg.server.BatchesNotConfiguredError");

/**
 * Batch endpoints on a service without Redis: 501, because the service deliberately does not offer them (an
 * in-memory queue would lose every batch on restart), with how to turn them on.
 */
export class BatchesNotConfiguredError extends ServerError {
  readonly [marker] = true;

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

  static override isInstance(value: unknown): value is BatchesNotConfiguredError {
    return typeof value === "object" && value !== null && marker in value;
  }
}
