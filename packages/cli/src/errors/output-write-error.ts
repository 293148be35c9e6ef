import { CliError } from "./cli-error.js";

const reasons: Record<string, string> = {
  ENOTDIR: "a part of the path is a file, not a directory",
  EISDIR: "it is a directory",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  ENOSPC: "the disk is full",
  EEXIST: "a file is in the way",
};

/** A command could not write its output file (`build`, `lock`): which file, the system's reason, and the fix. */
export class OutputWriteError extends CliError {
  static override readonly brand: symbol = Symbol.for("promptreg.cli.output-write-error");
  /** The file, relative to the caller's cwd. */
  readonly path: string;
  /** The system error code (ENOTDIR, EACCES, ...), when there was one. */
  readonly errno: string | undefined;

  constructor(options: { path: string; fix: string; cause: unknown }) {
    const errno =
      typeof options.cause === "object" && options.cause !== null && "code" in options.cause
        ? String(options.cause.code)
        : undefined;
    const reason = errno === undefined ? "write failed" : `${errno}: ${reasons[errno] ?? "write failed"}`;
    super({
      code: "output_unwritable",
      message: `cannot write "${options.path}" (${reason}). ${options.fix}`,
      cause: options.cause,
    });
    this.name = "OutputWriteError";
    this.path = options.path;
    this.errno = errno;
  }
}

/** Whether `error` is a file system error (ENOTDIR, EACCES, ...): the user's to fix, unlike a bug. */
export function isSystemError(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && "code" in error && /^E[A-Z]+$/.test(String(error.code))
  );
}
