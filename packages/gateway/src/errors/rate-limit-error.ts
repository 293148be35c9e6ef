import { GatewayError, type GatewayErrorOptions } from "./gateway-error.js";
import type { GatewayErrorBody } from "./upstream-error.js";

/** HTTP 429: the gateway or provider asks the client to slow down. */
export class RateLimitError extends GatewayError {
  static override readonly brand: symbol = Symbol.for("promptreg.gateway.rate-limit-error");
  /** The wait the server asked for in milliseconds (Retry-After / retry-after-ms), before clamping; undefined when absent or unusable. */
  readonly retryAfterMs: number | undefined;
  readonly body: GatewayErrorBody | undefined;

  constructor(
    options: Omit<GatewayErrorOptions, "code" | "origin" | "retryable"> & {
      retryAfterMs?: number | undefined;
      body?: GatewayErrorBody | undefined;
    },
  ) {
    super({
      ...options,
      code: "rate_limited",
      origin: "upstream",
      retryable: true,
      status: options.status ?? 429,
    });
    this.name = "RateLimitError";
    this.retryAfterMs = options.retryAfterMs;
    this.body = options.body;
  }

  /** Seconds, as in the Retry-After header, for callers that relay it. */
  get retryAfter(): number | undefined {
    return this.retryAfterMs === undefined ? undefined : this.retryAfterMs / 1000;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs, body: this.body };
  }
}
