import { hasBrand } from "@promptreg/core";
import { GatewayError, type GatewayErrorOptions } from "./gateway-error.js";

const marker = Symbol.for("promptreg.gateway.aborted-error");

/** The caller's AbortSignal fired (or the stream consumer stopped iterating). The signal's reason is the `cause`. */
export class AbortedError extends GatewayError {
  protected readonly [marker] = true;

  constructor(
    options: Omit<GatewayErrorOptions, "code" | "origin" | "retryable" | "message"> & { message?: string },
  ) {
    super({
      ...options,
      message: options.message ?? "Gateway call aborted by the caller's AbortSignal.",
      code: "aborted",
      origin: "caller",
      retryable: false,
    });
    this.name = "AbortedError";
  }

  static override isInstance(value: unknown): value is AbortedError {
    return hasBrand(value, marker);
  }
}
