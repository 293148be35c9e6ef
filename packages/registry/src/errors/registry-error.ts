import { hasBrand, PromptregBaseError, type PromptregBaseErrorOptions } from "@promptreg/core";
import type { RegistryErrorCode } from "./registry-error-codes.js";

const marker = Symbol.for("promptreg.registry.error");

/** Base of every error the registry package throws; callers branch on `code`, never on the message. */
export class RegistryError extends PromptregBaseError<RegistryErrorCode> {
  protected readonly [marker] = true;

  constructor(options: PromptregBaseErrorOptions<RegistryErrorCode>) {
    super(options);
    this.name = "RegistryError";
  }

  static isInstance(value: unknown): value is RegistryError {
    return hasBrand(value, marker);
  }
}
