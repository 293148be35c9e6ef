import { hasBrand, PromptregBaseError, type PromptregBaseErrorOptions } from "@promptreg/core";
import type { SigningErrorCode } from "./signing-error-codes.js";

const marker = Symbol.for("promptreg.signing.SigningError");

/**
 * Base class of every error thrown by @promptreg/signing-core and @promptreg/signing. Verification failures are NOT thrown: they are
 * returned as `{ ok: false, reason }` so the server can answer 401 without try/catch. Errors are reserved
 * for programming and configuration mistakes (bad sign input, bad key file, bad options): always the caller's.
 */
export class SigningError extends PromptregBaseError<SigningErrorCode> {
  readonly [marker] = true;

  constructor(options: PromptregBaseErrorOptions<SigningErrorCode>) {
    super(options);
    this.name = "SigningError";
  }

  static isInstance(value: unknown): value is SigningError {
    return hasBrand(value, marker);
  }
}
