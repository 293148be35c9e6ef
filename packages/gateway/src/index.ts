// The Retry-After parser and backoff formula live in @promptreg/core (shared with the client SDK); re-exported so
// existing imports from the gateway keep working.
export { backoffCeilingMs, computeBackoffMs, parseRetryAfterMs } from "@promptreg/core";
export {
  type ApiKeyProvider,
  envApiKeyProvider,
  type FileApiKeyProviderOptions,
  fileApiKeyProvider,
  redactKey,
  staticApiKeyProvider,
} from "./api-key.js";
export type { CircuitState } from "./circuit-breaker.js";
export { createGatewayClient, type GatewayClient } from "./client.js";
export {
  type CircuitBreakerConfig,
  type ConcurrencyConfig,
  checkPolicyOption,
  DEFAULT_CIRCUIT_BREAKER,
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_RETRY,
  DEFAULT_RETRY_BUDGET,
  DEFAULT_TIMEOUTS,
  type GatewayClientOptions,
  type GatewayPolicyOptions,
  type ResolvedGatewayPolicies,
  type RetryBudgetConfig,
  type RetryOptions,
  resolveGatewayPolicies,
  type TimeoutOptions,
} from "./config.js";
export { AbortedError } from "./errors/aborted-error.js";
export { AuthError } from "./errors/auth-error.js";
export { BadRequestError } from "./errors/bad-request-error.js";
export { CircuitOpenError } from "./errors/circuit-open-error.js";
export { ConcurrencyLimitError } from "./errors/concurrency-limit-error.js";
export { ConnectionError } from "./errors/connection-error.js";
export { type ErrorOrigin, GatewayError } from "./errors/gateway-error.js";
export { GATEWAY_ERROR_CODES, type GatewayErrorCode } from "./errors/gateway-error-codes.js";
export {
  type IncompleteReason,
  IncompleteStreamError,
  type PartialUsage,
} from "./errors/incomplete-stream-error.js";
export { InvalidConfigError } from "./errors/invalid-config-error.js";
export { RateLimitError } from "./errors/rate-limit-error.js";
export { RetryBudgetExceededError } from "./errors/retry-budget-exceeded-error.js";
export { SecretCommandError, type SecretCommandFailure } from "./errors/secret-command-error.js";
export { type DeadlineKind, TimeoutError } from "./errors/timeout-error.js";
export { type GatewayErrorBody, UpstreamError } from "./errors/upstream-error.js";
export { costFromPriceTable, DEFAULT_PRICE_TABLE, type ModelPrice, type PriceTable } from "./price-table.js";
export { createPrometheusTelemetry, type PrometheusTelemetryOptions } from "./prometheus-telemetry.js";
export {
  type CommandApiKeyProviderOptions,
  commandApiKeyProvider,
  DEFAULT_SECRET_COMMAND_MAX_OUTPUT_BYTES,
  DEFAULT_SECRET_COMMAND_TIMEOUT_MS,
  DEFAULT_SECRET_COMMAND_TTL_MS,
  type ParsedSecretCommand,
  parseSecretCommand,
  type RunSecretCommandOptions,
  runSecretCommand,
} from "./secret-command.js";
export type {
  ChatDelta,
  ChatMessage,
  ChatOptions,
  ChatRequest,
  ChatResult,
  ChatStream,
  Cost,
  FailoverReason,
  GatewayEvent,
  GatewayEventSink,
  ProviderMetadata,
  RetryReason,
  TokenUsage,
} from "./types.js";
