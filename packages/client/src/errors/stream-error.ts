import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

/** The service sent an `event: error` frame mid-stream (e.g. the upstream model failed after the first token). */
export class StreamError extends PromptregError {
  static override readonly brand: symbol = Symbol.for("promptreg.client.StreamError");

  constructor(options: PromptregErrorOptions) {
    super(options);
    this.name = "StreamError";
  }
}
