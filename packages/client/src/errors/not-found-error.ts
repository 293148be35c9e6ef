import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

/** 404: unknown template id, version or label. */
export class NotFoundError extends PromptregError {
  static override readonly brand: symbol = Symbol.for("promptreg.client.NotFoundError");

  constructor(options: PromptregErrorOptions) {
    super(options);
    this.name = "NotFoundError";
  }
}
