const marker = Symbol.for("promptreg.server.ServerError");

/** The `type` field of the JSON error shape: a small closed set callers can switch on. */
export const ERROR_TYPES = {
  invalid_request: 400,
  authentication_error: 401,
  not_found: 404,
  client_timeout: 408,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_error: 422,
  rate_limited: 429,
  internal_error: 500,
  upstream_error: 502,
  unavailable: 503,
  timeout: 504,
} as const;

export type ErrorType = keyof typeof ERROR_TYPES;

/** Whether the caller can fix the problem (4xx) or the fault is ours or the gateway's (5xx). */
export type ErrorOrigin = "caller" | "upstream" | "server";

export interface ServerErrorOptions {
  type: ErrorType;
  code: string;
  message: string;
  details?: Record<string, unknown>;
  /** Seconds; sent as `Retry-After` on 429 and 503. */
  retryAfterSeconds?: number;
  origin?: ErrorOrigin;
  /** Overrides the status implied by `type` (e.g. 405). */
  status?: number;
  cause?: unknown;
}

/** Base class of every error the service turns into an HTTP answer. */
export class ServerError extends Error {
  readonly [marker] = true;
  readonly type: ErrorType;
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly origin: ErrorOrigin;

  constructor(options: ServerErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ServerError";
    this.type = options.type;
    this.code = options.code;
    this.status = options.status ?? ERROR_TYPES[options.type];
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.origin = options.origin ?? (this.status < 500 ? "caller" : "server");
  }

  static isInstance(value: unknown): value is ServerError {
    return typeof value === "object" && value !== null && marker in value;
  }
}
