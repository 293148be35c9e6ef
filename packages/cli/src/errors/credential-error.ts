import { hasBrand } from "@promptreg/core";
import { CliError } from "./cli-error.js";

const marker = Symbol.for("promptreg.cli.credential-error");

export type CredentialProblem = "not_found" | "unreadable" | "invalid" | "partial_env";

/** `promptreg call` found no usable client credential (dev-client file or PROMPTREG_KEY_ID + PROMPTREG_SECRET). */
export class CredentialError extends CliError {
  readonly [marker] = true;
  readonly problem: CredentialProblem;
  /** The credential file looked at, when one was. */
  readonly file: string | undefined;

  constructor(options: { problem: CredentialProblem; message: string; file?: string; cause?: unknown }) {
    super({ code: `credential_${options.problem}`, message: options.message, cause: options.cause });
    this.name = "CredentialError";
    this.problem = options.problem;
    this.file = options.file;
  }

  static override isInstance(value: unknown): value is CredentialError {
    return hasBrand(value, marker);
  }
}
