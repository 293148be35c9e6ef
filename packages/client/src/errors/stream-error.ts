import { hasBrand } from "@promptreg/core";
import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

const marker = Symbol.for("promptreg.client.StreamError");

/** The service sent an `event: error` frame mid-stream (e.g. the upstream model failed after the first token). */
export class StreamError extends PromptregError {
  readonly [marker] = true;

  constructor(options: PromptregErrorOptions) {
    super(options);
    this.name = "StreamError";
  }

  static override isInstance(value: unknown): value is StreamError {
    return hasBrand(value, marker);
  }
}
