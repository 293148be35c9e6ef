// Public API of @promptreg/server: the app factory and the pieces needed to embed or extend it. Anything not
// named here is private.

// The run pipeline itself lives in @promptreg/runtime; these are the types createApp and its routes expose.
export type { GatewayPort, RunEvent, RunResult, RunUsage } from "@promptreg/runtime";
export { type AppConfig, type AppDeps, createApp } from "./app.js";
export { CONFIG_VARIABLES, loadConfig, type ServerConfig, truncateSecret } from "./config.js";
export { AuthenticationError, type AuthFailureReason } from "./errors/authentication-error.js";
export { BodyTimeoutError } from "./errors/body-timeout-error.js";
export { BodyTooLargeError } from "./errors/body-too-large-error.js";
export { ClientClosedError } from "./errors/client-closed-error.js";
export { ConfigError, type ConfigIssue } from "./errors/config-error.js";
export { InvalidPathError } from "./errors/invalid-path-error.js";
export { NonceCapacityError } from "./errors/nonce-capacity-error.js";
export { NotReadyError } from "./errors/not-ready-error.js";
export { OutputInvalidError } from "./errors/output-invalid-error.js";
export { RateLimitedError } from "./errors/rate-limited-error.js";
export { RequestTimeoutError } from "./errors/request-timeout-error.js";
export { type RequestIssue, RequestValidationError } from "./errors/request-validation-error.js";
export { RouteNotFoundError } from "./errors/route-not-found-error.js";
export { ERROR_TYPES, type ErrorOrigin, type ErrorType, ServerError } from "./errors/server-error.js";
export { SharedStateUnavailableError, type SharedStore } from "./errors/shared-state-unavailable-error.js";
export { UnsupportedMediaTypeError } from "./errors/unsupported-media-type-error.js";
export { createLogger, type Logger } from "./http/logger.js";
export { createServerMetrics, type ServerMetrics } from "./http/metrics.js";
export { buildOpenApiDocument } from "./http/openapi.js";
export { type ErrorBody, errorBody } from "./http/send-error.js";
export type { ErrorMapper } from "./http/to-server-error.js";
export {
  type Admission,
  admitRequest,
  authenticateHead,
  createSignatureVerifier,
  type HeadDecision,
  nonceCapacityFor,
  type RequestHead,
  type RequestVerifier,
} from "./logic/authenticate.js";
export {
  computeStats,
  type StatsSummary,
  type TemplateStats,
  type WindowStats,
} from "./logic/compute-stats.js";
export {
  type AuthenticatedClient,
  type CredentialSet,
  canUseTemplate,
  createCredentialSet,
} from "./logic/credentials.js";
export type { RendererPort, RenderOutput } from "./logic/ports.js";
export {
  createMemoryRateLimitStore,
  type RateLimitDecision,
  type RateLimitStore,
} from "./logic/rate-limit-store.js";
export {
  createRegistryHolder,
  type LoadedRegistry,
  type RegistryHolder,
  type ReloadOutcome,
} from "./logic/registry-holder.js";
export { createRingStatsStore, type RequestSample, type StatsStore } from "./logic/stats-store.js";
export { createRedisConnection, type RedisConnection, type RedisHealth } from "./redis/redis-connection.js";
export { createRedisNonceStore } from "./redis/redis-nonce-store.js";
export { createRedisRateLimitStore } from "./redis/redis-rate-limit-store.js";
export { createRedisStatsStore } from "./redis/redis-stats-store.js";
export { parseRedisUrl, REDIS_DEFAULTS, type RedisConfig } from "./redis-config.js";
export type { Lifecycle } from "./routes/operations.js";
export { createService, type Service } from "./service.js";
