import { SigningError } from "./signing-error.js";

/** `signRequest` was given a field that cannot produce a valid signature (e.g. a path without a leading "/"). */
export class InvalidSignInputError extends SigningError {
  static override readonly brand: symbol = Symbol.for("promptreg.signing.InvalidSignInputError");
  /** Name of the offending option, e.g. "pathAndQuery". */
  readonly field: string;

  constructor(options: { field: string; problem: string; fix: string }) {
    super({
      code: "invalid_sign_input",
      message: `signRequest: option "${options.field}" ${options.problem}. ${options.fix}`,
    });
    this.name = "InvalidSignInputError";
    this.field = options.field;
  }
}
