import { GatewayError, type GatewayErrorOptions } from "./gateway-error.js";

/**
 * A retry or fallback was due, but this client already spent its retry budget for the window (see `retryBudget`).
 * Failing fast here is what stops an outage from becoming a retry storm. The last upstream error is the `cause`.
 */
export class RetryBudgetExceededError extends GatewayError {
  static override readonly brand: symbol = Symbol.for("promptreg.gateway.retry-budget-exceeded-error");

  constructor(
    options: Omit<GatewayErrorOptions, "code" | "origin" | "retryable" | "message"> & {
      ratio: number;
      windowMs: number;
    },
  ) {
    const cause = options.cause instanceof Error ? ` Last error: ${options.cause.message}` : "";
    super({
      ...options,
      message: `Retry budget exhausted: retries already reached ${Math.round(options.ratio * 100)}% of requests in the last ${options.windowMs} ms, so the failed attempt was not retried.${cause} The gateway is likely degraded; raise retryBudget.ratio only if that is intended.`,
      code: "retry_budget_exceeded",
      origin: "upstream",
      retryable: false,
    });
    this.name = "RetryBudgetExceededError";
  }
}
