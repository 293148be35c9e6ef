import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

/** No complete answer within `timeoutMs` (for streams: no response headers within it). */
export class RequestTimeoutError extends PromptregError {
  static override readonly brand: symbol = Symbol.for("promptreg.client.RequestTimeoutError");

  constructor(options: PromptregErrorOptions) {
    super(options);
    this.name = "RequestTimeoutError";
  }
}
