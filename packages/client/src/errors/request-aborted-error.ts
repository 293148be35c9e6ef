import { hasBrand } from "@promptreg/core";
import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

const marker = Symbol.for("promptreg.client.RequestAbortedError");

/** The caller aborted the request through its AbortSignal. `cause` is the signal's reason. */
export class RequestAbortedError extends PromptregError {
  readonly [marker] = true;

  constructor(options: PromptregErrorOptions) {
    super(options);
    this.name = "RequestAbortedError";
  }

  static override isInstance(value: unknown): value is RequestAbortedError {
    return hasBrand(value, marker);
  }
}
