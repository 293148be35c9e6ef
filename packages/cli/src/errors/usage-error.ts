import { CliError } from "./cli-error.js";

/** The command line itself is wrong (unknown command or flag, missing argument). Exit code 2. */
export class UsageError extends CliError {
  static override readonly brand: symbol = Symbol.for("promptreg.cli.usage-error");
  /** The command whose usage should be shown, or undefined for the top-level usage. */
  readonly command: string | undefined;

  constructor(options: { message: string; command?: string; cause?: unknown }) {
    super({ code: "usage", message: options.message, exitCode: 2, cause: options.cause });
    this.name = "UsageError";
    this.command = options.command;
  }
}
