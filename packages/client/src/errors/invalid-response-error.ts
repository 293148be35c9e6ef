import { hasBrand } from "@promptreg/core";
import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

const marker = Symbol.for("promptreg.client.InvalidResponseError");

/** The service answered with something that is not the documented shape (e.g. HTML from a proxy). */
export class InvalidResponseError extends PromptregError {
  readonly [marker] = true;

  constructor(options: PromptregErrorOptions) {
    super(options);
    this.name = "InvalidResponseError";
  }

  static override isInstance(value: unknown): value is InvalidResponseError {
    return hasBrand(value, marker);
  }
}
