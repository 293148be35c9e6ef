/**
 * The service's fixed limits (the configurable ones are defaults in config.ts). docs/security.md "Budgets and
 * limits" lists every one with its number; test/budgets-doc.test.ts keeps the two equal.
 */
export const SERVICE_LIMITS = {
  /** Node's deadline for a request's headers (slowloris). */
  headersTimeoutMs: 15_000,
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: 5_000,
  /** Node's own whole-request cap sits this far above PROMPTREG_REQUEST_TIMEOUT_MS, as a backstop. */
  requestTimeoutMarginMs: 5_000,
  /** Comment line on quiet event streams, so proxies keep them open. */
  sseHeartbeatMs: 15_000,
  /** Log output waiting for a slow stdout reader; beyond it new lines are dropped. */
  logBufferBytes: 16 * 1024 * 1024,
  /** How long shutdown waits for buffered log lines to reach stdout before exiting without them. */
  logFlushTimeoutMs: 2_000,
  /** Request body excerpt in a log line when PROMPTREG_LOG_BODIES=on. */
  loggedBodyBytes: 2048,
  /** The gateway's own error text in a request log line (`errorDetail`, upstream failures only). */
  loggedErrorDetailChars: 2000,
  /** Model reply excerpt in an `output_invalid` error. */
  outputExcerptChars: 2000,
  /** A client's X-Request-Id is echoed only when it is 1 to this many safe characters. */
  requestIdMaxChars: 128,
  /** Longest template reference accepted in a body. */
  referenceMaxChars: 300,
  /** Largest page of GET /v1/templates. */
  pageSizeMax: 200,
  /** Clients with a rate-limit bucket in memory at once (idle full buckets are dropped first). */
  rateLimitClients: 100_000,
} as const;
