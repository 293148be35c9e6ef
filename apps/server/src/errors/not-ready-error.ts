import { ServerError } from "./server-error.js";

const marker = Symbol.for("promptreg.server.NotReadyError");

/** The service cannot answer yet (registry not loaded, gateway not configured) or is shutting down. */
export class NotReadyError extends ServerError {
  readonly [marker] = true;

  constructor({ what, retryAfterSeconds = 1 }: { what: string; retryAfterSeconds?: number }) {
    super({
      type: "unavailable",
      code: "not_ready",
      message: `Service not ready: ${what}. Retry shortly; GET /readyz reports readiness.`,
      retryAfterSeconds,
      origin: "server",
      details: { what },
    });
    this.name = "NotReadyError";
  }

  static override isInstance(value: unknown): value is NotReadyError {
    return typeof value === "object" && value !== null && marker in value;
  }
}
