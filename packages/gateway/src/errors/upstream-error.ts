import { GatewayError, type GatewayErrorOptions } from "./gateway-error.js";

/**
 * The error body of an AI Stats / Phaseo style gateway (also covers OpenAI's `{error: {message, type, code}}`).
 * Everything the gateway sent is kept; unknown fields stay in `raw`.
 */
export interface GatewayErrorBody {
  message?: string;
  type?: string;
  code?: string | number;
  errorType?: string;
  errorOrigin?: string;
  reason?: string;
  failedProviders?: string[];
  attemptCount?: number;
  generationId?: string;
  raw: unknown;
}

/** A gateway/provider failure: 5xx, 408, 409, or a 2xx whose body is unusable (`status` 200, `reason` set). */
export class UpstreamError extends GatewayError {
  static override readonly brand: symbol = Symbol.for("promptreg.gateway.upstream-error");
  readonly body: GatewayErrorBody | undefined;
  /** Why a 2xx was rejected (`malformed_body`, `no_choices`), undefined for HTTP errors. */
  readonly reason: string | undefined;
  /** Wait the server asked for (e.g. Retry-After on a 503), in ms; undefined when absent or unusable. */
  readonly retryAfterMs: number | undefined;

  constructor(
    options: Omit<GatewayErrorOptions, "code" | "origin" | "retryable"> & {
      body?: GatewayErrorBody | undefined;
      reason?: string;
      retryable?: boolean;
      retryAfterMs?: number | undefined;
    },
  ) {
    super({ ...options, code: "upstream_error", origin: "upstream", retryable: options.retryable ?? true });
    this.name = "UpstreamError";
    this.body = options.body;
    this.reason = options.reason;
    this.retryAfterMs = options.retryAfterMs;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason, retryAfterMs: this.retryAfterMs, body: this.body };
  }
}
