import { ReviewError, type ReviewErrorCode } from "./review-error.js";

/**
 * Why a revision could not be read through git. Closed: callers and the CLI map each code to a fix.
 * @deprecated Upper-case aliases kept for existing callers; narrow on `REVIEW_ERROR_CODES` (keys are the codes).
 */
export const GIT_ERROR_CODES = {
  NOT_A_REPOSITORY: "not_a_repository",
  INVALID_REF: "invalid_ref",
  UNKNOWN_REF: "unknown_ref",
  TREE_TOO_LARGE: "tree_too_large",
  FILE_TOO_LARGE: "file_too_large",
  GIT_UNAVAILABLE: "git_unavailable",
  GIT_FAILED: "git_failed",
} as const satisfies Record<string, ReviewErrorCode>;

export type GitErrorCode = ReviewErrorCode;

/** git could not give the template tree of a revision: what, for which ref and directory, and how to fix it. */
export class GitError extends ReviewError {
  static override readonly brand: symbol = Symbol.for("promptreg.review.git-error");
  declare readonly code: GitErrorCode;
  /** The ref as the user gave it, when the error is about one. */
  readonly ref?: string;
  /** The directory git ran in. */
  readonly repoDir: string;

  constructor({
    code,
    message,
    repoDir,
    ref,
    cause,
  }: {
    code: GitErrorCode;
    message: string;
    repoDir: string;
    ref?: string;
    cause?: unknown;
  }) {
    super({ code, message, cause });
    this.name = "GitError";
    this.repoDir = repoDir;
    if (ref !== undefined) this.ref = ref;
  }
}
