import { hasBrand } from "@promptreg/core";
import { GatewayError, type GatewayErrorOptions } from "./gateway-error.js";

const marker = Symbol.for("promptreg.gateway.connection-error");

/** The connection failed: refused, reset, DNS, TLS. `phase` says whether any response byte had arrived. */
export class ConnectionError extends GatewayError {
  protected readonly [marker] = true;
  readonly phase: "connect" | "body";

  constructor(
    options: Omit<GatewayErrorOptions, "code" | "origin" | "retryable"> & { phase: "connect" | "body" },
  ) {
    super({ ...options, code: "connection_failed", origin: "upstream", retryable: true });
    this.name = "ConnectionError";
    this.phase = options.phase;
  }

  static override isInstance(value: unknown): value is ConnectionError {
    return hasBrand(value, marker);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), phase: this.phase };
  }
}
