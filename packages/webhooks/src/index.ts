// The public API of @promptreg/webhooks. Anything not named here is private.

export {
  WEBHOOK_ERROR_CODES,
  WEBHOOK_FAILURE_REASONS,
  WebhookDeliveryError,
  type WebhookErrorCode,
  type WebhookFailureReason,
} from "./errors/webhook-delivery-error.js";
export {
  type SendWebhookOptions,
  sendWebhook,
  WEBHOOK_DEFAULTS,
  type WebhookCredential,
  type WebhookDelivery,
} from "./send-webhook.js";
