import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

/** createClient was called with options that cannot work; the message names the option and the fix. */
export class InvalidClientOptionsError extends PromptregError {
  static override readonly brand: symbol = Symbol.for("promptreg.client.InvalidClientOptionsError");

  constructor(options: PromptregErrorOptions) {
    super(options);
    this.name = "InvalidClientOptionsError";
  }
}
