import { ServerError } from "./server-error.js";

/**
 * The client did not send its whole body within PROMPTREG_BODY_TIMEOUT_MS (408). A caller error: a slow or stalled
 * sender, never the gateway's fault, so it does not feed the upstream error rate.
 */
export class BodyTimeoutError extends ServerError {
  static override readonly brand: symbol = Symbol.for("promptreg.server.BodyTimeoutError");
  readonly timeoutMs: number;

  constructor({ timeoutMs, receivedBytes }: { timeoutMs: number; receivedBytes?: number }) {
    super({
      type: "client_timeout",
      code: "body_timeout",
      message: `The request body did not arrive within ${timeoutMs} ms${receivedBytes === undefined ? "" : ` (${receivedBytes} bytes received)`}; send the whole body at once, right after the headers.`,
      details: receivedBytes === undefined ? { timeoutMs } : { timeoutMs, receivedBytes },
    });
    this.name = "BodyTimeoutError";
    this.timeoutMs = timeoutMs;
  }
}
