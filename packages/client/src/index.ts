// The service's closed error-code map, so SDK users can list and narrow on the codes an answer may carry.
export { SERVICE_ERROR_CODES, type ServiceErrorCode } from "@promptreg/core";
// Thrown by createClient and createSigningFetch on a runtime without Web Crypto (docs/client.md#runtimes).
export { WebCryptoUnavailableError } from "@promptreg/signing-core";
export { CLIENT_DEFAULTS, createClient } from "./create-client.js";
export { errorFromResponse } from "./error-from-response.js";
export { AuthenticationError } from "./errors/authentication-error.js";
export {
  CLIENT_ERROR_CODES,
  type ClientErrorCode,
  type HttpStatusErrorCode,
  WEBHOOK_VERIFICATION_REASONS,
  type WebhookVerificationReason,
} from "./errors/client-error-codes.js";
export { ConnectionError } from "./errors/connection-error.js";
export { IncompleteStreamError } from "./errors/incomplete-stream-error.js";
export { InvalidClientOptionsError } from "./errors/invalid-client-options-error.js";
export { InvalidRequestError } from "./errors/invalid-request-error.js";
export { InvalidResponseError } from "./errors/invalid-response-error.js";
export { NotFoundError } from "./errors/not-found-error.js";
export { PermissionDeniedError } from "./errors/permission-denied-error.js";
export type { PromptregErrorCode, PromptregErrorOptions } from "./errors/promptreg-error.js";
export { PromptregError } from "./errors/promptreg-error.js";
export { RateLimitedError } from "./errors/rate-limited-error.js";
export { RequestAbortedError } from "./errors/request-aborted-error.js";
export { RequestTimeoutError } from "./errors/request-timeout-error.js";
export { StreamError } from "./errors/stream-error.js";
export { UpstreamError } from "./errors/upstream-error.js";
export { WebhookVerificationError } from "./errors/webhook-verification-error.js";
export type { SigningFetchOptions } from "./signing-fetch.js";
export { createSigningFetch } from "./signing-fetch.js";
export type {
  AnyTemplateMap,
  BatchItemError,
  BatchItemInput,
  BatchItemResult,
  BatchResultsOptions,
  BatchResultsPage,
  BatchStatus,
  BatchSubmitOptions,
  CallOptions,
  ClientOptions,
  PromptregClient,
  RenderedMessage,
  RenderResponse,
  ResolvedRef,
  RetryInfo,
  RetryOptions,
  RunOptions,
  RunResponse,
  StreamEvent,
  TemplateDetails,
  TemplateEntry,
  TemplateExampleView,
  TemplateInputOf,
  TemplateMapShape,
  TemplateOutputOf,
  TemplateRefOf,
  TemplateVersionDetails,
  Usage,
} from "./types.js";
export { type VerifiedWebhook, type VerifyWebhookOptions, verifyWebhook } from "./verify-webhook.js";
