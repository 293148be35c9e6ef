import { PromptregBaseError } from "@promptreg/core";
import type { GatewayErrorCode } from "./gateway-error-codes.js";

/**
 * Whose fault a failure is: the caller's request (fix the call) or the gateway/provider (retry, fall back, page
 * someone). The gateway client never reports `internal`.
 */
export type ErrorOrigin = "caller" | "upstream";

export interface GatewayErrorOptions {
  message: string;
  code: GatewayErrorCode;
  origin: ErrorOrigin;
  retryable: boolean;
  status?: number | undefined;
  attempts?: number | undefined;
  requestId?: string | undefined;
  model?: string | undefined;
  cause?: unknown;
}

/**
 * Base of every error the gateway client throws. Callers branch on `code` or `X.isInstance(error)`, never on the
 * message text. `attempts` and `requestId` are filled in when the error leaves the client, so they describe the
 * whole logical request, not one attempt.
 */
export class GatewayError extends PromptregBaseError<GatewayErrorCode> {
  static override readonly brand: symbol = Symbol.for("promptreg.gateway.gateway-error");
  declare readonly origin: ErrorOrigin;
  readonly status: number | undefined;
  /** Upstream attempts made for the logical request when the error was thrown (0 when none was sent). */
  attempts: number;
  /** The upstream `x-request-id` when one was received, else the client's Idempotency-Key. */
  requestId: string | undefined;
  /** The model the failing attempt addressed. */
  model: string | undefined;

  constructor(options: GatewayErrorOptions) {
    super(options);
    this.name = "GatewayError";
    this.status = options.status;
    this.attempts = options.attempts ?? 0;
    this.requestId = options.requestId;
    this.model = options.model;
  }

  /** A plain, key-free object for logs and JSON responses. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      origin: this.origin,
      retryable: this.retryable,
      status: this.status,
      attempts: this.attempts,
      requestId: this.requestId,
      model: this.model,
    };
  }
}
