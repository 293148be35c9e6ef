import type { StoreErrorCode } from "@promptreg/registry";
import { CliError } from "./cli-error.js";

/**
 * The template store refused or failed to read the tree (the registry's `StoreError`): the root vanished or is not
 * a directory, a path is unsafe, a file is too large or unreadable. Exit 1 with the path and a fix, no stack trace.
 */
export class TemplatesUnreadableError extends CliError {
  static override readonly brand: symbol = Symbol.for("promptreg.cli.templates-unreadable-error");
  /** The registry's store error code. */
  readonly storeCode: StoreErrorCode;
  /** The `--dir` as the user typed it (or the default). */
  readonly dir: string;
  /** The file or directory concerned, relative to the caller's cwd. */
  readonly path: string;

  constructor(options: {
    storeCode: StoreErrorCode;
    dir: string;
    path: string;
    message: string;
    cause?: unknown;
  }) {
    super({ code: `templates_${options.storeCode}`, message: options.message, cause: options.cause });
    this.name = "TemplatesUnreadableError";
    this.storeCode = options.storeCode;
    this.dir = options.dir;
    this.path = options.path;
  }
}
