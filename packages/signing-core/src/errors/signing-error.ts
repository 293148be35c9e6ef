import { PromptregBaseError, type PromptregBaseErrorOptions } from "@promptreg/core";
import type { SigningErrorCode } from "./signing-error-codes.js";

/**
 * Base class of every error thrown by @promptreg/signing-core and @promptreg/signing. Verification failures are NOT thrown: they are
 * returned as `{ ok: false, reason }` so the server can answer 401 without try/catch. Errors are reserved
 * for programming and configuration mistakes (bad sign input, bad key file, bad options): always the caller's.
 */
export class SigningError extends PromptregBaseError<SigningErrorCode> {
  static override readonly brand: symbol = Symbol.for("promptreg.signing.SigningError");

  constructor(options: PromptregBaseErrorOptions<SigningErrorCode>) {
    super(options);
    this.name = "SigningError";
  }
}
