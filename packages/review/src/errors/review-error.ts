const marker = Symbol.for("promptreg.review.error");

/** Base of every error the review package throws; callers branch on `code`, never on the message. */
export class ReviewError extends Error {
  protected readonly [marker] = true;
  readonly code: string;

  constructor({ code, message, cause }: { code: string; message: string; cause?: unknown }) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "ReviewError";
    this.code = code;
  }

  static isInstance(value: unknown): value is ReviewError {
    return typeof value === "object" && value !== null && marker in value;
  }
}
