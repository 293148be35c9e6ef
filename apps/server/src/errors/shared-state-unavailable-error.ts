import { redactUrlCredentials } from "@promptreg/core";
import { ServerError } from "./server-error.js";

/** Which shared store could not be reached. */
export type SharedStore = "nonces" | "rate_limits" | "stats";

const WHAT: Record<SharedStore, string> = {
  nonces: "the nonce store (replay protection)",
  rate_limits: "the rate-limit store",
  stats: "the stats store",
};

/**
 * The Redis behind the shared state (REDIS_URL) did not answer in time or refused the command. Requests fail closed:
 * none is accepted without its nonce and rate-limit checks. 503 + Retry-After; /readyz says the same. The Redis
 * error is kept as the cause for the log, its text passed through `redactUrlCredentials`; the client sees neither.
 */
export class SharedStateUnavailableError extends ServerError {
  static override readonly brand: symbol = Symbol.for("promptreg.server.SharedStateUnavailableError");
  readonly store: SharedStore;

  constructor({ store, cause }: { store: SharedStore; cause: unknown }) {
    super({
      type: "unavailable",
      code: "shared_state_unavailable",
      message: `Service unavailable: ${WHAT[store]} on Redis did not answer, so the request was refused unchecked. Retry shortly; GET /readyz reports when Redis is back.`,
      details: { store },
      retryAfterSeconds: 1,
      origin: "internal",
      cause: new Error(redactUrlCredentials(cause instanceof Error ? cause.message : String(cause))),
    });
    this.name = "SharedStateUnavailableError";
    this.store = store;
  }
}
