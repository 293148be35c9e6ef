import { hasBrand } from "@promptreg/core";
import { CliError } from "./cli-error.js";

const marker = Symbol.for("promptreg.cli.usage-error");

/** The command line itself is wrong (unknown command or flag, missing argument). Exit code 2. */
export class UsageError extends CliError {
  readonly [marker] = true;
  /** The command whose usage should be shown, or undefined for the top-level usage. */
  readonly command: string | undefined;

  constructor(options: { message: string; command?: string; cause?: unknown }) {
    super({ code: "usage", message: options.message, exitCode: 2, cause: options.cause });
    this.name = "UsageError";
    this.command = options.command;
  }

  static override isInstance(value: unknown): value is UsageError {
    return hasBrand(value, marker);
  }
}
