export { type BackoffOptions, backoffCeilingMs, computeBackoffMs } from "./backoff.js";
export type {
  BatchPriority,
  BatchState,
  BatchStatus,
  BatchUsage,
  ItemError,
  ItemResult,
} from "./batch-wire.js";
export { closestMatch, closestMatches, didYouMean, editDistance } from "./did-you-mean.js";
export {
  type BrandedErrorClass,
  type ErrorOrigin,
  hasBrand,
  PromptregBaseError,
  type PromptregBaseErrorOptions,
} from "./promptreg-base-error.js";
export { escapeControl, quote } from "./quote.js";
export { redactUrlCredentials } from "./redact-url-credentials.js";
export {
  DEFAULT_ABSURD_RETRY_AFTER_MS,
  type HeaderLookup,
  parseRetryAfterMs,
  type RetryAfterOptions,
} from "./retry-after.js";
export { RETRY_AFTER_JITTER, type RetryDelay, type RetryDelayOptions, retryDelay } from "./retry-delay.js";
export {
  SERVICE_ERROR_CODES,
  SERVICE_ERROR_TYPES,
  type ServiceErrorCode,
  type ServiceErrorType,
} from "./service-error-codes.js";
