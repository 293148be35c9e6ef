import { ServerError } from "./server-error.js";

/** The service cannot answer yet (registry not loaded, gateway not configured) or is shutting down. */
export class NotReadyError extends ServerError {
  static override readonly brand: symbol = Symbol.for("promptreg.server.NotReadyError");

  constructor({
    what,
    retryAfterSeconds = 1,
    code = "not_ready",
  }: {
    what: string;
    retryAfterSeconds?: number;
    /** `not_ready` while starting, `shutting_down` while draining. */
    code?: "not_ready" | "shutting_down";
  }) {
    super({
      type: "unavailable",
      code,
      message:
        code === "shutting_down"
          ? `Service unavailable: ${what}.`
          : `Service not ready: ${what}. Retry shortly; GET /readyz reports readiness.`,
      retryAfterSeconds,
      origin: "internal",
      details: { what },
    });
    this.name = "NotReadyError";
  }
}
