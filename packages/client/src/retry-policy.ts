/**
 * Parses Retry-After (RFC 9110: delay-seconds or an HTTP-date) into milliseconds from `nowMs`.
 * Returns undefined for a missing or unparseable value; a date in the past is 0.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/**
 * How long to wait before retry number `attempt` (1-based), or undefined when the server asked for more than
 * `maxDelayMs` (waiting less would only earn another 429). With Retry-After: that delay plus up to 10% jitter so
 * that clients told the same time do not return in lockstep. Without: full jitter over an exponential step.
 */
export function retryDelay(options: {
  attempt: number;
  retryAfterMs: number | undefined;
  baseDelayMs: number;
  maxDelayMs: number;
  random: () => number;
}): number | undefined {
  const { attempt, retryAfterMs, baseDelayMs, maxDelayMs, random } = options;
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > maxDelayMs) return undefined;
    return Math.min(maxDelayMs, Math.round(retryAfterMs + random() * retryAfterMs * 0.1));
  }
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}
