import { PromptregError } from "./promptreg-error.js";

const marker = Symbol.for("promptreg.client.WebhookVerificationError");

/** Why `verifyWebhook` refused a request: answer it 401 (400 for `invalid_body`) and do not act on it. */
export const WEBHOOK_VERIFICATION_REASONS = {
  missing_header: "missing_header",
  malformed_header: "malformed_header",
  unknown_key: "unknown_key",
  stale_timestamp: "stale_timestamp",
  signature_mismatch: "signature_mismatch",
  replayed_nonce: "replayed_nonce",
  invalid_body: "invalid_body",
} as const;

export type WebhookVerificationReason = keyof typeof WEBHOOK_VERIFICATION_REASONS;

/** A webhook that did not verify; `code` is the reason, `details.header` names the header at fault. */
export class WebhookVerificationError extends PromptregError {
  readonly [marker] = true;
  readonly reason: WebhookVerificationReason;

  constructor({
    reason,
    message,
    header,
  }: { reason: WebhookVerificationReason; message: string; header?: string }) {
    super({
      type: reason === "invalid_body" ? "invalid_request" : "authentication_error",
      code: reason,
      message,
      details: header === undefined ? undefined : { header },
    });
    this.name = "WebhookVerificationError";
    this.reason = reason;
  }

  static override isInstance(value: unknown): value is WebhookVerificationError {
    return typeof value === "object" && value !== null && marker in value;
  }
}
