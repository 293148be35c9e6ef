import { type BackoffOptions, computeBackoffMs, drawUnit } from "./backoff.js";

/**
 * How long to wait before a retry: what the server asked for (Retry-After), else the backoff. The one formula shared
 * by the gateway client and the client SDK.
 *
 * - With a Retry-After of at most `maxRetryAfterMs`: that wait plus up to 10% jitter (never less than asked, never
 *   more than `maxRetryAfterMs`), so that clients told the same moment do not all return at it.
 * - With a longer Retry-After: undefined, meaning "do not retry this now". Waiting less than asked would only earn
 *   another 429; the caller fails (or moves to a fallback) at once and can read the wait from its error.
 * - Without one: full-jitter exponential backoff (`computeBackoffMs`).
 */
export interface RetryDelayOptions extends BackoffOptions {
  /** The server's requested wait (from `parseRetryAfterMs`), or undefined. */
  retryAfterMs: number | undefined;
  /** The longest requested wait that is honoured. */
  maxRetryAfterMs: number;
}

export interface RetryDelay {
  delayMs: number;
  source: "retry-after" | "backoff";
}

/** Share of a Retry-After added at most as jitter. */
export const RETRY_AFTER_JITTER = 0.1;

export function retryDelay(options: RetryDelayOptions): RetryDelay | undefined {
  const { retryAfterMs, maxRetryAfterMs } = options;
  if (retryAfterMs === undefined) return { delayMs: computeBackoffMs(options), source: "backoff" };
  if (retryAfterMs > maxRetryAfterMs) return undefined;
  const jitter = drawUnit(options.random) * retryAfterMs * RETRY_AFTER_JITTER;
  return {
    delayMs: Math.min(maxRetryAfterMs, retryAfterMs + jitter),
    source: "retry-after",
  };
}
