import { hasBrand } from "@promptreg/core";
import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

const marker = Symbol.for("promptreg.client.InvalidRequestError");

/** 400, 413 or 422: the request or the template input is invalid; `details` lists the failing input paths. */
export class InvalidRequestError extends PromptregError {
  readonly [marker] = true;

  constructor(options: PromptregErrorOptions) {
    super(options);
    this.name = "InvalidRequestError";
  }

  static override isInstance(value: unknown): value is InvalidRequestError {
    return hasBrand(value, marker);
  }
}
