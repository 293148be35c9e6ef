import { PromptregBaseError, type PromptregBaseErrorOptions } from "@promptreg/core";

/** Every code a `ReviewError` can carry (all `GitError`s today); closed, so callers narrow on `error.code`. */
export const REVIEW_ERROR_CODES = {
  not_a_repository: "not_a_repository",
  invalid_ref: "invalid_ref",
  unknown_ref: "unknown_ref",
  tree_too_large: "tree_too_large",
  file_too_large: "file_too_large",
  git_unavailable: "git_unavailable",
  git_failed: "git_failed",
} as const;

export type ReviewErrorCode = keyof typeof REVIEW_ERROR_CODES;

/** Base of every error the review package throws; callers branch on `code`, never on the message. */
export class ReviewError extends PromptregBaseError<ReviewErrorCode> {
  static override readonly brand: symbol = Symbol.for("promptreg.review.error");

  constructor(options: PromptregBaseErrorOptions<ReviewErrorCode>) {
    super(options);
    this.name = "ReviewError";
  }
}
