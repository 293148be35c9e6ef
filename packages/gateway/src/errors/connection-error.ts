import { GatewayError, type GatewayErrorOptions } from "./gateway-error.js";

/** The connection failed: refused, reset, DNS, TLS. `phase` says whether any response byte had arrived. */
export class ConnectionError extends GatewayError {
  static override readonly brand: symbol = Symbol.for("promptreg.gateway.connection-error");
  readonly phase: "connect" | "body";

  constructor(
    options: Omit<GatewayErrorOptions, "code" | "origin" | "retryable"> & { phase: "connect" | "body" },
  ) {
    super({ ...options, code: "connection_failed", origin: "upstream", retryable: true });
    this.name = "ConnectionError";
    this.phase = options.phase;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), phase: this.phase };
  }
}
