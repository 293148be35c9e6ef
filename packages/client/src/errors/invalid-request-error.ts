import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

/** 400, 413 or 422: the request or the template input is invalid; `details` lists the failing input paths. */
export class InvalidRequestError extends PromptregError {
  static override readonly brand: symbol = Symbol.for("promptreg.client.InvalidRequestError");

  constructor(options: PromptregErrorOptions) {
    super(options);
    this.name = "InvalidRequestError";
  }
}
