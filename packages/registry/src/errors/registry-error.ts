import { hasBrand, PromptregBaseError, type PromptregBaseErrorOptions } from "@promptreg/core";

const marker = Symbol.for("promptreg.registry.error");

/** Base of every error the registry package throws; callers branch on `code`, never on the message. */
export class RegistryError extends PromptregBaseError {
  protected readonly [marker] = true;

  constructor(options: PromptregBaseErrorOptions) {
    super(options);
    this.name = "RegistryError";
  }

  static isInstance(value: unknown): value is RegistryError {
    return hasBrand(value, marker);
  }
}
