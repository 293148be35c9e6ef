import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

/** 5xx (other than a retried-out 503) or any unexpected status: the service or the model gateway failed. */
export class UpstreamError extends PromptregError {
  static override readonly brand: symbol = Symbol.for("promptreg.client.UpstreamError");

  constructor(options: PromptregErrorOptions) {
    super(options);
    this.name = "UpstreamError";
  }
}
