import { hasBrand } from "@promptreg/core";
import { SigningError } from "@promptreg/signing-core";

const marker = Symbol.for("promptreg.signing.InvalidVerifyOptionsError");

/** `verifyRequest` or `createMemoryNonceStore` was configured with values that would weaken replay protection. */
export class InvalidVerifyOptionsError extends SigningError {
  readonly [marker] = true;
  readonly option: string;

  constructor(options: { option: string; problem: string; fix: string }) {
    super({
      code: "invalid_verify_options",
      message: `Option "${options.option}" ${options.problem}. ${options.fix}`,
    });
    this.name = "InvalidVerifyOptionsError";
    this.option = options.option;
  }

  static override isInstance(value: unknown): value is InvalidVerifyOptionsError {
    return hasBrand(value, marker);
  }
}
