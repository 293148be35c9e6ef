import { SigningError } from "@promptreg/signing-core";

/** `verifyRequest` or `createMemoryNonceStore` was configured with values that would weaken replay protection. */
export class InvalidVerifyOptionsError extends SigningError {
  static override readonly brand: symbol = Symbol.for("promptreg.signing.InvalidVerifyOptionsError");
  readonly option: string;

  constructor(options: { option: string; problem: string; fix: string }) {
    super({
      code: "invalid_verify_options",
      message: `Option "${options.option}" ${options.problem}. ${options.fix}`,
    });
    this.name = "InvalidVerifyOptionsError";
    this.option = options.option;
  }
}
