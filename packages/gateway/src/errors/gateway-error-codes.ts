/**
 * Every `code` a `GatewayError` can carry: one closed map, so callers narrow with `error.code === "timeout"` and a
 * typo fails the typecheck. docs/gateway-client.md's error table is checked against it. Add a code here first.
 */
export const GATEWAY_ERROR_CODES = {
  /** `AuthError`: the gateway refused the key (401/403), or no key could be read (`SecretCommandError`). */
  auth_failed: "auth_failed",
  /** `BadRequestError`: the gateway refused the request itself (400, 404, 413, 422). */
  bad_request: "bad_request",
  /** `RateLimitError`: 429 after every allowed retry. */
  rate_limited: "rate_limited",
  /** `UpstreamError`: 5xx, 408, 409, or a 2xx whose body is unusable. */
  upstream_error: "upstream_error",
  /** `ConnectionError`: DNS, TCP, TLS or a reset before or while reading the response. */
  connection_failed: "connection_failed",
  /** `TimeoutError`: an attempt, idle or overall deadline fired. */
  timeout: "timeout",
  /** `IncompleteStreamError`: a stream was cut, stalled or carried an error after it started. */
  incomplete_stream: "incomplete_stream",
  /** `CircuitOpenError`: the model's circuit breaker is open; nothing was sent. */
  circuit_open: "circuit_open",
  /** `RetryBudgetExceededError`: the retry budget is spent, so the failure was not retried. */
  retry_budget_exceeded: "retry_budget_exceeded",
  /** `ConcurrencyLimitError`: the bulkhead's queue is full; nothing was sent. */
  concurrency_limit: "concurrency_limit",
  /** `AbortedError`: the caller's AbortSignal fired. */
  aborted: "aborted",
  /** `InvalidConfigError`: an option or request field the client cannot use; nothing was sent. */
  invalid_config: "invalid_config",
} as const;

export type GatewayErrorCode = keyof typeof GATEWAY_ERROR_CODES;
