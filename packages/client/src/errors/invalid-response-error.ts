import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

/** The service answered with something that is not the documented shape (e.g. HTML from a proxy). */
export class InvalidResponseError extends PromptregError {
  static override readonly brand: symbol = Symbol.for("promptreg.client.InvalidResponseError");

  constructor(options: PromptregErrorOptions) {
    super(options);
    this.name = "InvalidResponseError";
  }
}
