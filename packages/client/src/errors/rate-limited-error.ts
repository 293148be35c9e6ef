import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

/** 429 after the SDK's retries ran out, or when the server asked to wait longer than `retry.maxDelayMs`. */
export class RateLimitedError extends PromptregError {
  static override readonly brand: symbol = Symbol.for("promptreg.client.RateLimitedError");
  /** The server's Retry-After, in milliseconds, when it sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(options: PromptregErrorOptions & { retryAfterMs?: number }) {
    super(options);
    this.name = "RateLimitedError";
    this.retryAfterMs = options.retryAfterMs;
  }
}
