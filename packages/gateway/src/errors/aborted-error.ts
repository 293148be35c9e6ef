import { GatewayError, type GatewayErrorOptions } from "./gateway-error.js";

/** The caller's AbortSignal fired (or the stream consumer stopped iterating). The signal's reason is the `cause`. */
export class AbortedError extends GatewayError {
  static override readonly brand: symbol = Symbol.for("promptreg.gateway.aborted-error");

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
}
