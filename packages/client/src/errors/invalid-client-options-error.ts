import { hasBrand } from "@promptreg/core";
import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

const marker = Symbol.for("promptreg.client.InvalidClientOptionsError");

/** createClient was called with options that cannot work; the message names the option and the fix. */
export class InvalidClientOptionsError extends PromptregError {
  readonly [marker] = true;

  constructor(options: PromptregErrorOptions) {
    super(options);
    this.name = "InvalidClientOptionsError";
  }

  static override isInstance(value: unknown): value is InvalidClientOptionsError {
    return hasBrand(value, marker);
  }
}
