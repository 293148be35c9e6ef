import { ServerError } from "./server-error.js";

/** The client closed the connection before the answer was complete; used as the abort reason (logged as 499). */
export class ClientClosedError extends ServerError {
  static override readonly brand: symbol = Symbol.for("promptreg.server.ClientClosedError");

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
}
