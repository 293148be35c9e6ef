import { GatewayError, type GatewayErrorOptions } from "./gateway-error.js";
import type { GatewayErrorBody } from "./upstream-error.js";

/**
 * 401/403 from the gateway, or no key could be obtained (`status` undefined). Never retried (a 401 re-reads the key
 * from the provider once). The message shows at most the first 8 characters of the key.
 */
export class AuthError extends GatewayError {
  static override readonly brand: symbol = Symbol.for("promptreg.gateway.auth-error");
  readonly body: GatewayErrorBody | undefined;

  constructor(
    options: Omit<GatewayErrorOptions, "code" | "origin" | "retryable"> & { body?: GatewayErrorBody },
  ) {
    super({ ...options, code: "auth_failed", origin: "caller", retryable: false });
    this.name = "AuthError";
    this.body = options.body;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), body: this.body };
  }
}
