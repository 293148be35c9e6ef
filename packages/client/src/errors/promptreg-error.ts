import { type ErrorOrigin, PromptregBaseError, type ServiceErrorCode } from "@promptreg/core";
import type {
  ClientErrorCode,
  HttpStatusErrorCode,
  WebhookVerificationReason,
} from "./client-error-codes.js";

/**
 * Every `code` a `PromptregError` can carry: the service's codes (`SERVICE_ERROR_CODES`), the SDK's own
 * (`CLIENT_ERROR_CODES`), `http_<status>` for answers without the documented body, and the reasons `verifyWebhook`
 * refuses a webhook (`WEBHOOK_VERIFICATION_REASONS`). Narrow on it:
 * `if (error.code === "input_invalid")` is checked by the compiler. A service newer than this SDK may send a code
 * added after this version; it arrives unchanged, so keep a default branch.
 */
export type PromptregErrorCode =
  | ServiceErrorCode
  | ClientErrorCode
  | HttpStatusErrorCode
  | WebhookVerificationReason;

export interface PromptregErrorOptions {
  /** Broad class, e.g. "authentication_error", "validation_error", "connection_error". */
  type: string;
  /** Precise machine code, e.g. "signature_mismatch", "template_not_found", "timeout". */
  code: PromptregErrorCode;
  message: string;
  /** HTTP status when the service answered; undefined for network, timeout and abort errors. */
  status?: number;
  /** The service's request id (error body `requestId` or the `x-request-id` header), for support tickets and logs. */
  requestId?: string;
  details?: Record<string, unknown>;
  /** Overrides the origin implied by `status` (the SDK's own checks of its input are the caller's). */
  origin?: ErrorOrigin;
  cause?: unknown;
}

/**
 * Base of every error the SDK throws. Match on `code` (or `isInstance` of a subclass), never on the message.
 * The service's error shape `{ error: { type, code, message, details?, requestId } }` maps onto these fields.
 * `origin` is `caller` for 4xx answers and the SDK's own option errors, `upstream` for everything the service,
 * the network or the model behind it failed at.
 */
export class PromptregError extends PromptregBaseError<PromptregErrorCode> {
  static override readonly brand: symbol = Symbol.for("promptreg.client.PromptregError");
  readonly type: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(options: PromptregErrorOptions) {
    const { status } = options;
    super({
      code: options.code,
      message: options.message,
      origin:
        options.origin ??
        ((status !== undefined && status >= 400 && status < 500) || options.code === "invalid_client_options"
          ? "caller"
          : "upstream"),
      // True for failures that may succeed when retried later (the SDK already retried 429 and 503).
      retryable: status === 429 || status === 503,
      cause: options.cause,
    });
    this.name = "PromptregError";
    this.type = options.type;
    this.status = status;
    this.requestId = options.requestId;
    this.details = options.details;
  }

  /** @deprecated Use `retryable`, the field every promptreg error has. Same value. */
  get isRetryable(): boolean {
    return this.retryable;
  }
}
