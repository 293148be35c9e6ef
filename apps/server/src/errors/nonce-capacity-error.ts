import { ServerError } from "./server-error.js";

/**
 * The client's own nonce space is full of live nonces (429 + Retry-After). The service refuses the request rather
 * than forget a live nonce, which would make a captured request replayable. Sized from the client's rate limit,
 * so a client within its limit never sees it.
 */
export class NonceCapacityError extends ServerError {
  static override readonly brand: symbol = Symbol.for("promptreg.server.NonceCapacityError");

  constructor({ retryAfterSeconds, capacity }: { retryAfterSeconds: number; capacity: number }) {
    super({
      type: "rate_limited",
      code: "nonce_capacity_exceeded",
      message: `This client already has ${capacity} requests accepted within the nonce lifetime, as many as it may have; retry after ${retryAfterSeconds} s (Retry-After header) or slow down.`,
      details: { capacity, retryAfterSeconds },
      retryAfterSeconds,
    });
    this.name = "NonceCapacityError";
  }
}
