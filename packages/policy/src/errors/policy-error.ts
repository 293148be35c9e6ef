import { hasBrand, PromptregBaseError, type PromptregBaseErrorOptions } from "@promptreg/core";

const marker = Symbol.for("promptreg.policy.error");

/** Base of every error the policy package throws; callers branch on `code`, never on the message. */
export class PolicyError extends PromptregBaseError {
  protected readonly [marker] = true;

  constructor(options: PromptregBaseErrorOptions) {
    super(options);
    this.name = "PolicyError";
  }

  static isInstance(value: unknown): value is PolicyError {
    return hasBrand(value, marker);
  }
}
