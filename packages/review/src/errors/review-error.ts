import { hasBrand, PromptregBaseError, type PromptregBaseErrorOptions } from "@promptreg/core";

const marker = Symbol.for("promptreg.review.error");

/** Base of every error the review package throws; callers branch on `code`, never on the message. */
export class ReviewError extends PromptregBaseError {
  protected readonly [marker] = true;

  constructor(options: PromptregBaseErrorOptions) {
    super(options);
    this.name = "ReviewError";
  }

  static isInstance(value: unknown): value is ReviewError {
    return hasBrand(value, marker);
  }
}
