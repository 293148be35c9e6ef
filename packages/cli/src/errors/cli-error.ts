import type { PromptregErrorCode } from "@promptreg/client";
import { PromptregBaseError } from "@promptreg/core";

/**
 * Every code of an error the CLI raises itself; closed, so callers narrow on `error.code`. A `ServiceCallError`
 * carries the client SDK's code of the failed call instead (`PromptregErrorCode`: the service's and the SDK's own).
 */
export const CLI_ERROR_CODES = {
  /** `UsageError`: the command line itself is wrong (exit 2). */
  usage: "usage",
  /** `ExampleNotFoundError`. */
  example_not_found: "example_not_found",
  /** `LockRefusedError`. */
  lock_refused: "lock_refused",
  /** `OutputWriteError`. */
  output_unwritable: "output_unwritable",
  /** `TemplatesInvalidError`. */
  templates_invalid: "templates_invalid",
  /** `CredentialError`, one per `CredentialProblem`. */
  credential_not_found: "credential_not_found",
  credential_unreadable: "credential_unreadable",
  credential_invalid: "credential_invalid",
  credential_partial_env: "credential_partial_env",
  /** `InputFileError`, one per `InputFileProblem`. */
  input_not_found: "input_not_found",
  input_unreadable: "input_unreadable",
  input_invalid_json: "input_invalid_json",
  input_not_an_object: "input_not_an_object",
  /** `ScaffoldError`, one per `ScaffoldProblem`. */
  scaffold_invalid_id: "scaffold_invalid_id",
  scaffold_already_exists: "scaffold_already_exists",
  scaffold_symlink_in_path: "scaffold_symlink_in_path",
  scaffold_not_a_directory: "scaffold_not_a_directory",
  scaffold_unwritable: "scaffold_unwritable",
  /** `TemplateDirError`. */
  template_dir_missing: "template_dir_missing",
  template_dir_not_a_directory: "template_dir_not_a_directory",
  /** `TemplatesUnreadableError`, one per registry `StoreErrorCode`. */
  templates_unsafe_path: "templates_unsafe_path",
  templates_file_too_large: "templates_file_too_large",
  templates_file_not_found: "templates_file_not_found",
  templates_store_read_failed: "templates_store_read_failed",
  templates_invalid_utf8: "templates_invalid_utf8",
  templates_root_not_found: "templates_root_not_found",
  /** `ServiceCallError` raised by the CLI itself: the connection was refused, or the answer was not promptreg's. */
  connection_refused: "connection_refused",
  unexpected_response: "unexpected_response",
} as const;

export type CliErrorCode = keyof typeof CLI_ERROR_CODES;

/**
 * Base of every error the CLI raises itself. `exitCode` is what `main` returns when it reaches the top:
 * 1 for content problems (bad templates, bad input), 2 for usage mistakes.
 */
export class CliError extends PromptregBaseError<CliErrorCode | PromptregErrorCode> {
  static override readonly brand: symbol = Symbol.for("promptreg.cli.error");
  readonly exitCode: 1 | 2;
  /**
   * Lines printed under the one-line message (each failing path, each problem), one item each. `main` escapes the
   * message and every line on its own, so a newline inside a name can never start a line of its own.
   */
  readonly detailLines: readonly string[];

  constructor(options: {
    code: CliErrorCode | PromptregErrorCode;
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
}
