import { ServerError } from "./server-error.js";

/** The client used up its request budget; `Retry-After` says when to come back. */
export class RateLimitedError extends ServerError {
  static override readonly brand: symbol = Symbol.for("promptreg.server.RateLimitedError");
  readonly limitPerMinute: number;

  constructor({ retryAfterSeconds, limitPerMinute }: { retryAfterSeconds: number; limitPerMinute: number }) {
    super({
      type: "rate_limited",
      code: "rate_limited",
      message: `Rate limit of ${limitPerMinute} requests per minute exceeded for this client; retry after ${retryAfterSeconds} s (Retry-After header).`,
      details: { limitPerMinute, retryAfterSeconds },
      retryAfterSeconds,
    });
    this.name = "RateLimitedError";
    this.limitPerMinute = limitPerMinute;
  }
}
