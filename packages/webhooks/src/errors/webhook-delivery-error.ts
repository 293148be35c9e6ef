import { PromptregBaseError, redactUrlCredentials } from "@promptreg/core";

/** Every code `@promptreg/webhooks` throws; closed, so callers narrow on `error.code` (the detail is in `reason`). */
export const WEBHOOK_ERROR_CODES = {
  /** `WebhookDeliveryError`: the delivery gave up; `reason` says why. */
  webhook_failed: "webhook_failed",
} as const;

export type WebhookErrorCode = keyof typeof WEBHOOK_ERROR_CODES;

/** Why a delivery gave up: the receiver refused it for good, or every attempt failed, or it asked to wait too long. */
export const WEBHOOK_FAILURE_REASONS = {
  /** A 4xx other than 408 and 429: the receiver refused this delivery; retrying would not change its answer. */
  rejected: "rejected",
  /** `maxAttempts` attempts, each a 5xx, 408, 429, timeout or connection failure. */
  attempts_exhausted: "attempts_exhausted",
  /** The receiver's Retry-After asked for longer than `maxRetryAfterMs`. */
  retry_after_too_long: "retry_after_too_long",
  /** The caller's signal aborted the delivery. */
  aborted: "aborted",
} as const;

export type WebhookFailureReason = keyof typeof WEBHOOK_FAILURE_REASONS;

/**
 * A webhook could not be delivered. Carries what happened (reason, attempts, the last HTTP status or connection
 * error) and where (the URL with any credentials redacted); the signing secret never appears.
 */
export class WebhookDeliveryError extends PromptregBaseError<WebhookErrorCode> {
  static override readonly brand: symbol = Symbol.for("promptreg.webhooks.WebhookDeliveryError");
  readonly reason: WebhookFailureReason;
  readonly url: string;
  readonly deliveryId: string;
  readonly attempts: number;
  readonly lastStatus: number | undefined;
  readonly lastError: string | undefined;
  /** The wait the receiver's last answer asked for (Retry-After), in ms; undefined when it gave none. */
  readonly retryAfterMs: number | undefined;

  constructor(options: {
    reason: WebhookFailureReason;
    url: string;
    deliveryId: string;
    attempts: number;
    lastStatus?: number;
    lastError?: string | undefined;
    retryAfterMs?: number | undefined;
  }) {
    const url = redactUrlCredentials(options.url);
    const last =
      options.lastStatus !== undefined
        ? `HTTP ${options.lastStatus}`
        : options.lastError !== undefined
          ? redactUrlCredentials(options.lastError)
          : "no answer";
    super({
      code: "webhook_failed",
      message: `Webhook ${options.deliveryId} to ${url} failed (${options.reason}) after ${options.attempts} attempt(s); last: ${last}. ${FIX[options.reason]}`,
      // The receiver is the upstream here; a refusal (4xx) or a cancelled delivery will not go through unchanged.
      origin: options.reason === "aborted" ? "caller" : "upstream",
      retryable: options.reason === "attempts_exhausted" || options.reason === "retry_after_too_long",
    });
    this.name = "WebhookDeliveryError";
    this.reason = options.reason;
    this.url = url;
    this.deliveryId = options.deliveryId;
    this.attempts = options.attempts;
    this.lastStatus = options.lastStatus;
    this.lastError = options.lastError === undefined ? undefined : redactUrlCredentials(options.lastError);
    this.retryAfterMs = options.retryAfterMs;
  }
}

const FIX: Record<WebhookFailureReason, string> = {
  rejected: "Check the receiver's logs: it answered 4xx (a wrong path, or it refused the signature).",
  attempts_exhausted: "Check that the receiver is up and answers 2xx within the attempt timeout.",
  retry_after_too_long: "The receiver asked to wait longer than the sender's limit; deliver again later.",
  aborted: "The delivery was cancelled by its caller.",
};
