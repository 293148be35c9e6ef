import { hasBrand } from "@promptreg/core";
import { ServerError } from "./server-error.js";

const marker = Symbol.for("promptreg.server.RateLimitedError");

/** The client used up its request budget; `Retry-After` says when to come back. */
export class RateLimitedError extends ServerError {
  readonly [marker] = true;
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

  static override isInstance(value: unknown): value is RateLimitedError {
    return hasBrand(value, marker);
  }
}
