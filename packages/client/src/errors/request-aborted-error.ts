import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

/** The caller aborted the request through its AbortSignal. `cause` is the signal's reason. */
export class RequestAbortedError extends PromptregError {
  static override readonly brand: symbol = Symbol.for("promptreg.client.RequestAbortedError");

  constructor(options: PromptregErrorOptions) {
    super(options);
    this.name = "RequestAbortedError";
  }
}
