import { hasBrand, PromptregBaseError } from "@promptreg/core";

const marker = Symbol.for("promptreg.cli.error");

/**
 * Base of every error the CLI raises itself. `exitCode` is what `main` returns when it reaches the top:
 * 1 for content problems (bad templates, bad input), 2 for usage mistakes.
 */
export class CliError extends PromptregBaseError {
  readonly [marker] = true;
  readonly exitCode: 1 | 2;
  /**
   * Lines printed under the one-line message (each failing path, each problem), one item each. `main` escapes the
   * message and every line on its own, so a newline inside a name can never start a line of its own.
   */
  readonly detailLines: readonly string[];

  constructor(options: {
    code: string;
    message: string;
    exitCode?: 1 | 2;
    cause?: unknown;
    detailLines?: readonly string[];
  }) {
    super(options);
    this.name = "CliError";
    this.exitCode = options.exitCode ?? 1;
    this.detailLines = options.detailLines ?? [];
  }

  static isInstance(value: unknown): value is CliError {
    return hasBrand(value, marker);
  }
}
