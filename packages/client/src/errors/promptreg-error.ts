const marker = Symbol.for("promptreg.client.PromptregError");

export interface PromptregErrorOptions {
  /** Broad class, e.g. "authentication_error", "validation_error", "connection_error". */
  type: string;
  /** Precise machine code, e.g. "signature_mismatch", "template_not_found", "timeout". */
  code: string;
  message: string;
  /** HTTP status when the service answered; undefined for network, timeout and abort errors. */
  status?: number;
  /** The service's request id (error body `requestId` or the `x-request-id` header), for support tickets and logs. */
  requestId?: string;
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * Base of every error the SDK throws. Match on `code` (or `isInstance` of a subclass), never on the message.
 * The service's error shape `{ error: { type, code, message, details?, requestId } }` maps onto these fields.
 */
export class PromptregError extends Error {
  readonly [marker] = true;
  readonly type: string;
  readonly code: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(options: PromptregErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PromptregError";
    this.type = options.type;
    this.code = options.code;
    this.status = options.status;
    this.requestId = options.requestId;
    this.details = options.details;
  }

  /** True for failures that may succeed when retried later (the SDK already retried 429 and 503). */
  get isRetryable(): boolean {
    return this.status === 429 || this.status === 503;
  }

  static isInstance(value: unknown): value is PromptregError {
    return typeof value === "object" && value !== null && marker in value;
  }
}
