import type { WebhookVerificationReason } from "./client-error-codes.js";
import { PromptregError } from "./promptreg-error.js";

/** A webhook that did not verify; `code` is the reason, `details.header` names the header at fault. */
export class WebhookVerificationError extends PromptregError {
  static override readonly brand: symbol = Symbol.for("promptreg.client.WebhookVerificationError");
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
      // The request being verified is this function's input: the sender (or whoever forged it) is at fault.
      origin: "caller",
    });
    this.name = "WebhookVerificationError";
    this.reason = reason;
  }
}
