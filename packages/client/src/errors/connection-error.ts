import { hasBrand } from "@promptreg/core";
import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

const marker = Symbol.for("promptreg.client.ConnectionError");

/** The service could not be reached (DNS, refused or reset connection). `cause` holds the network error. */
export class ConnectionError extends PromptregError {
  readonly [marker] = true;

  constructor(options: PromptregErrorOptions) {
    super(options);
    this.name = "ConnectionError";
  }

  static override isInstance(value: unknown): value is ConnectionError {
    return hasBrand(value, marker);
  }
}
