import { PromptregBaseError, type PromptregBaseErrorOptions } from "@promptreg/core";
import type { RegistryErrorCode } from "./registry-error-codes.js";

/** Base of every error the registry package throws; callers branch on `code`, never on the message. */
export class RegistryError extends PromptregBaseError<RegistryErrorCode> {
  static override readonly brand: symbol = Symbol.for("promptreg.registry.error");

  constructor(options: PromptregBaseErrorOptions<RegistryErrorCode>) {
    super(options);
    this.name = "RegistryError";
  }
}
