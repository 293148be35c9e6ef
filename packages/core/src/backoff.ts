/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 *
 *   delay(n) = random() * min(maxDelayMs, baseDelayMs * 2^(n - 1))      n = 1 for the first retry
 *
 * Full jitter spreads synchronized clients over the whole window, which is what stops a fleet that failed together
 * from retrying together. `random` is injectable so tests can assert exact delays.
 */
export interface BackoffOptions {
  /** 1 for the first retry. */
  retry: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A draw in [0, 1); values outside are clamped, a non-number counts as 0. */
  random: () => number;
}

/** The top of the jitter window for retry `retry`: min(maxDelayMs, baseDelayMs * 2^(retry - 1)). */
export function backoffCeilingMs({ retry, baseDelayMs, maxDelayMs }: Omit<BackoffOptions, "random">): number {
  // Cap the exponent: 2^n overflows to Infinity for large n and 0 * Infinity is NaN. 2^52 times any sane base is
  // beyond every sane maxDelayMs. Guard n < 1 so a misuse cannot shrink the window.
  const exponent = Math.min(52, Math.max(0, retry - 1));
  return Math.min(maxDelayMs, baseDelayMs * 2 ** exponent);
}

export function computeBackoffMs(options: BackoffOptions): number {
  return drawUnit(options.random) * backoffCeilingMs(options);
}

/** One draw of `random`, clamped to [0, 1]; NaN or a non-number counts as 0, so a broken source cannot poison a wait. */
export function drawUnit(random: () => number): number {
  const r = random();
  return Number.isFinite(r) ? Math.min(1, Math.max(0, r)) : 0;
}
