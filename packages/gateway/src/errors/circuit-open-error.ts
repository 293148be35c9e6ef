import { GatewayError, type GatewayErrorOptions } from "./gateway-error.js";

/** Every model of the chain had its circuit open, so nothing was sent. `retryInMs` says when the next probe is allowed. */
export class CircuitOpenError extends GatewayError {
  static override readonly brand: symbol = Symbol.for("promptreg.gateway.circuit-open-error");
  readonly models: string[];
  readonly retryInMs: number;

  constructor(
    options: Omit<GatewayErrorOptions, "code" | "origin" | "retryable" | "message"> & {
      models: string[];
      retryInMs: number;
    },
  ) {
    super({
      ...options,
      message: `Circuit open for ${options.models.map((m) => `"${m}"`).join(", ")}: recent calls failed, so the client is not sending more for ${Math.ceil(options.retryInMs)} ms. Add a fallback model, or wait; see circuitBreaker options.`,
      code: "circuit_open",
      origin: "upstream",
      retryable: true,
    });
    this.name = "CircuitOpenError";
    this.models = options.models;
    this.retryInMs = options.retryInMs;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), models: this.models, retryInMs: this.retryInMs };
  }
}
