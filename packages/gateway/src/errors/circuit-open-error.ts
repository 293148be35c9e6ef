import { hasBrand } from "@promptreg/core";
import { GatewayError, type GatewayErrorOptions } from "./gateway-error.js";

const marker = Symbol.for("promptreg.gateway.circuit-open-error");

/** Every model of the chain had its circuit open, so nothing was sent. `retryInMs` says when the next probe is allowed. */
export class CircuitOpenError extends GatewayError {
  protected readonly [marker] = true;
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

  static override isInstance(value: unknown): value is CircuitOpenError {
    return hasBrand(value, marker);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), models: this.models, retryInMs: this.retryInMs };
  }
}
