import { hasBrand } from "@promptreg/core";
import { ServerError } from "./server-error.js";

const marker = Symbol.for("promptreg.server.NotReadyError");

/** The service cannot answer yet (registry not loaded, gateway not configured) or is shutting down. */
export class NotReadyError extends ServerError {
  readonly [marker] = true;

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

  static override isInstance(value: unknown): value is NotReadyError {
    return hasBrand(value, marker);
  }
}
