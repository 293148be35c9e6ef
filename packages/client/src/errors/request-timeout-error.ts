import { hasBrand } from "@promptreg/core";
import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

const marker = Symbol.for("promptreg.client.RequestTimeoutError");

/** No complete answer within `timeoutMs` (for streams: no response headers within it). */
export class RequestTimeoutError extends PromptregError {
  readonly [marker] = true;

  constructor(options: PromptregErrorOptions) {
    super(options);
    this.name = "RequestTimeoutError";
  }

  static override isInstance(value: unknown): value is RequestTimeoutError {
    return hasBrand(value, marker);
  }
}
