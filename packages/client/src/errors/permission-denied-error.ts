import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

/** 403: the credential is valid but may not use this template (allowedTemplates). */
export class PermissionDeniedError extends PromptregError {
  static override readonly brand: symbol = Symbol.for("promptreg.client.PermissionDeniedError");

  constructor(options: PromptregErrorOptions) {
    super(options);
    this.name = "PermissionDeniedError";
  }
}
