import {
  type ErrorOrigin,
  PromptregBaseError,
  SERVICE_ERROR_TYPES,
  type ServiceErrorCode,
  type ServiceErrorType,
} from "@promptreg/core";

/** The `type` field of the JSON error shape and its status (the map lives in @promptreg/core, shared with the SDK). */
export const ERROR_TYPES = SERVICE_ERROR_TYPES;

export type ErrorType = ServiceErrorType;

/**
 * Whether the caller can fix the problem (4xx), the gateway or model failed (`upstream`), or the fault is the
 * service's own (`internal`, shown as `server` in metrics, stats and log lines).
 */
export type { ErrorOrigin };

export interface ServerErrorOptions {
  type: ErrorType;
  code: ServiceErrorCode;
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
export class ServerError extends PromptregBaseError<ServiceErrorCode> {
  static override readonly brand: symbol = Symbol.for("promptreg.server.ServerError");
  readonly type: ErrorType;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(options: ServerErrorOptions) {
    const status = options.status ?? ERROR_TYPES[options.type];
    super({
      code: options.code,
      message: options.message,
      origin: options.origin ?? (status < 500 ? "caller" : "internal"),
      // The answers a client is told to retry (the SDK retries them itself): 429 and 503, with Retry-After.
      retryable: status === 429 || status === 503,
      cause: options.cause,
    });
    this.name = "ServerError";
    this.type = options.type;
    this.status = status;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** The `origin` label of metrics, stats and log lines, unchanged since before the shared vocabulary: `server`, not `internal`. */
export type OriginLabel = "caller" | "upstream" | "server";

export function originLabel(origin: ErrorOrigin): OriginLabel {
  return origin === "internal" ? "server" : origin;
}
