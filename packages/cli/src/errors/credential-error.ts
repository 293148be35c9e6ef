import { CliError } from "./cli-error.js";

export type CredentialProblem = "not_found" | "unreadable" | "invalid" | "partial_env";

/** `promptreg call` found no usable client credential (dev-client file or PROMPTREG_KEY_ID + PROMPTREG_SECRET). */
export class CredentialError extends CliError {
  static override readonly brand: symbol = Symbol.for("promptreg.cli.credential-error");
  readonly problem: CredentialProblem;
  /** The credential file looked at, when one was. */
  readonly file: string | undefined;

  constructor(options: { problem: CredentialProblem; message: string; file?: string; cause?: unknown }) {
    super({ code: `credential_${options.problem}`, message: options.message, cause: options.cause });
    this.name = "CredentialError";
    this.problem = options.problem;
    this.file = options.file;
  }
}
