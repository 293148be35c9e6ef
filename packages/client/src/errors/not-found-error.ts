import { hasBrand } from "@promptreg/core";
import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

const marker = Symbol.for("promptreg.client.NotFoundError");

/** 404: unknown template id, version or label. */
export class NotFoundError extends PromptregError {
  readonly [marker] = true;

  constructor(options: PromptregErrorOptions) {
    super(options);
    this.name = "NotFoundError";
  }

  static override isInstance(value: unknown): value is NotFoundError {
    return hasBrand(value, marker);
  }
}
