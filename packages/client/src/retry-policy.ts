/**
 * Which answers of the service the SDK retries: 429 (rate limited) and 503 (not ready, shutting down). Everything
 * else is either the caller's to fix or already retried by the service's gateway client. How long to wait comes from
 * `retryDelay` in @promptreg/core, the formula the gateway client uses too.
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 503]);
