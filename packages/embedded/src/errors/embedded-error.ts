import { PromptregBaseError } from "@promptreg/core";

/** Every code an `EmbeddedError` can carry; closed, so callers can switch on it. */
export const EMBEDDED_ERROR_CODES = {
  /** `render` before any bundle was loaded (call and await `start()` first). */
  not_ready: "not_ready",
  /** The service could not be reached or answered `GET /v1/bundle` with an error status. */
  bundle_fetch_failed: "bundle_fetch_failed",
  /** A bundle arrived (or was read from the file) but is not JSON, malformed or fails its content hashes. */
  bundle_rejected: "bundle_rejected",
  /** `start()` got no bundle at all: the service failed and there is no usable bundle file. */
  start_failed: "start_failed",
} as const;

export type EmbeddedErrorCode = keyof typeof EMBEDDED_ERROR_CODES;

/** What went wrong in embedded mode, where (the URL path or file), and how to fix it. Match on `code`. */
export class EmbeddedError extends PromptregBaseError<EmbeddedErrorCode> {
  static override readonly brand: symbol = Symbol.for("promptreg.embedded.error");
  /** `GET /v1/bundle` or the bundle file's path. */
  readonly source: string;
  /** HTTP status when the service answered. */
  readonly status: number | undefined;

  constructor({
    code,
    source,
    message,
    status,
    cause,
  }: {
    code: EmbeddedErrorCode;
    source: string;
    message: string;
    status?: number;
    cause?: unknown;
  }) {
    super({
      code,
      message: `${source}: ${message}`,
      // `render` before `start()` is the caller's mistake; everything else is the service or the bundle.
      origin: code === "not_ready" ? "caller" : "upstream",
      // Failures that may pass on a later refresh (the service was down or busy).
      retryable: code === "bundle_fetch_failed" && (status === undefined || status >= 500 || status === 429),
      cause,
    });
    this.name = "EmbeddedError";
    this.source = source;
    this.status = status;
  }

  /** @deprecated Use `retryable`, the field every promptreg error has. Same value. */
  get isRetryable(): boolean {
    return this.retryable;
  }
}
