import { GatewayError, type GatewayErrorOptions } from "./gateway-error.js";
import type { GatewayErrorBody } from "./upstream-error.js";

/** 400, 404 or 422: the request itself is wrong (unknown model, bad parameter). Never retried, never falls back. */
export class BadRequestError extends GatewayError {
  static override readonly brand: symbol = Symbol.for("promptreg.gateway.bad-request-error");
  readonly body: GatewayErrorBody | undefined;

  constructor(
    options: Omit<GatewayErrorOptions, "code" | "origin" | "retryable"> & { body?: GatewayErrorBody },
  ) {
    super({ ...options, code: "bad_request", origin: "caller", retryable: false });
    this.name = "BadRequestError";
    this.body = options.body;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), body: this.body };
  }
}
