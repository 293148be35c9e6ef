import { hasBrand } from "@promptreg/core";
import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

const marker = Symbol.for("promptreg.client.UpstreamError");

/** 5xx (other than a retried-out 503) or any unexpected status: the service or the model gateway failed. */
export class UpstreamError extends PromptregError {
  readonly [marker] = true;

  constructor(options: PromptregErrorOptions) {
    super(options);
    this.name = "UpstreamError";
  }

  static override isInstance(value: unknown): value is UpstreamError {
    return hasBrand(value, marker);
  }
}
