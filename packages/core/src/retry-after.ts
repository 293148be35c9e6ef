/**
 * Reads the server's requested wait from `retry-after-ms` (milliseconds, a de-facto OpenAI/Azure header) or
 * `Retry-After` (RFC 9110: delay-seconds or an HTTP-date). Returns milliseconds, or undefined when the header is
 * absent, unparsable, negative, or absurd (more than `absurdAfterMs` away), so the caller falls back to its own
 * backoff. Whether a sane value is short enough to wait for is `retryDelay`'s decision.
 *
 * The one parser for every promptreg package: the gateway client reads model gateways with it, the client SDK reads
 * the promptreg service with it.
 */

/** Response headers looked up by name, case-insensitively; a WHATWG `Headers` object fits. */
export interface HeaderLookup {
  get(name: string): string | null;
}

export interface RetryAfterOptions {
  /** Current time in epoch milliseconds, for HTTP-date values. */
  nowMs: number;
  /** Values beyond this are treated as garbage, not as a request to wait. Default one day. */
  absurdAfterMs?: number;
}

export const DEFAULT_ABSURD_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;
const DECIMAL = /^\d+(\.\d+)?$/;

export function parseRetryAfterMs(
  headers: HeaderLookup,
  { nowMs, absurdAfterMs = DEFAULT_ABSURD_RETRY_AFTER_MS }: RetryAfterOptions,
): number | undefined {
  const sane = (ms: number) => (Number.isFinite(ms) && ms >= 0 && ms <= absurdAfterMs ? ms : undefined);

  const msHeader = headers.get("retry-after-ms")?.trim();
  if (msHeader !== undefined && DECIMAL.test(msHeader)) {
    const value = sane(Number(msHeader));
    if (value !== undefined) return value;
  }

  const header = headers.get("retry-after")?.trim();
  if (header === undefined || header === "") return undefined;
  if (DECIMAL.test(header)) return sane(Number(header) * 1000);
  // Only accept things that look like an HTTP-date: Date.parse also accepts "1" or "-5" in some engines.
  if (!/[a-z]/i.test(header)) return undefined;
  const at = Date.parse(header);
  if (Number.isNaN(at)) return undefined;
  // A date in the past means "now": the server wanted a wait that has already elapsed.
  return sane(Math.max(0, at - nowMs));
}
