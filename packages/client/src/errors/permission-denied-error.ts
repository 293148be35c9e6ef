import { hasBrand } from "@promptreg/core";
import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

const marker = Symbol.for("promptreg.client.PermissionDeniedError");

/** 403: the credential is valid but may not use this template (allowedTemplates). */
export class PermissionDeniedError extends PromptregError {
  readonly [marker] = true;

  constructor(options: PromptregErrorOptions) {
    super(options);
    this.name = "PermissionDeniedError";
  }

  static override isInstance(value: unknown): value is PermissionDeniedError {
    return hasBrand(value, marker);
  }
}
