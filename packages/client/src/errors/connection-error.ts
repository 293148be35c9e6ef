import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

/** The service could not be reached (DNS, refused or reset connection). `cause` holds the network error. */
export class ConnectionError extends PromptregError {
  static override readonly brand: symbol = Symbol.for("promptreg.client.ConnectionError");

  constructor(options: PromptregErrorOptions) {
    super(options);
    this.name = "ConnectionError";
  }
}
