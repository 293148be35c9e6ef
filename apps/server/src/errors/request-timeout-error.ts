import { hasBrand } from "@promptreg/core";
import { ServerError } from "./server-error.js";

const marker = Symbol.for("promptreg.server.RequestTimeoutError");

/** The request used up PROMPTREG_REQUEST_TIMEOUT_MS; its gateway call was cancelled (504). */
export class RequestTimeoutError extends ServerError {
  readonly [marker] = true;
  readonly timeoutMs: number;

  constructor({ timeoutMs }: { timeoutMs: number }) {
    super({
      type: "timeout",
      code: "request_timeout",
      message: `The request did not finish within ${timeoutMs} ms (PROMPTREG_REQUEST_TIMEOUT_MS) and was cancelled, including its gateway call. Retry, or ask the operator to raise the limit for slow templates.`,
      origin: "upstream",
      details: { timeoutMs },
    });
    this.name = "RequestTimeoutError";
    this.timeoutMs = timeoutMs;
  }

  static override isInstance(value: unknown): value is RequestTimeoutError {
    return hasBrand(value, marker);
  }
}
