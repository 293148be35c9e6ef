import { hasBrand } from "@promptreg/core";
import { ServerError } from "./server-error.js";

const marker = Symbol.for("promptreg.server.ClientClosedError");

/** The client closed the connection before the answer was complete; used as the abort reason (logged as 499). */
export class ClientClosedError extends ServerError {
  readonly [marker] = true;

  constructor(options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super({
      ...options,
      type: "invalid_request",
      status: 499,
      code: "client_closed",
      message:
        "The client closed the connection before the response was complete; the upstream call was cancelled.",
    });
    this.name = "ClientClosedError";
  }

  static override isInstance(value: unknown): value is ClientClosedError {
    return hasBrand(value, marker);
  }
}
