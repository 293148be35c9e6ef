/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 *
 *   delay(n) = random() * min(maxDelayMs, baseDelayMs * 2^(n - 1))      n = 1 for the first retry
 *
 * Full jitter spreads synchronized clients over the whole window, which is what stops a fleet that failed together
 * from retrying together. `random` is injectable so tests can assert exact delays.
 */
export interface BackoffOptions {
  retry: number;
  baseDelayMs: number;
  maxDelayMs: number;
  random: () => number;
}

export function backoffCeilingMs(retry: number, baseDelayMs: number, maxDelayMs: number): number {
  // Cap the exponent: 2^n overflows to Infinity for large n and 0 * Infinity is NaN. 2^52 times any sane base is
  // beyond every sane maxDelayMs. Guard n < 1 so a misuse cannot shrink the window.
  const exponent = Math.min(52, Math.max(0, retry - 1));
  return Math.min(maxDelayMs, baseDelayMs * 2 ** exponent);
}

export function computeBackoffMs({ retry, baseDelayMs, maxDelayMs, random }: BackoffOptions): number {
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(1, Math.max(0, r)) : 0;
  return unit * backoffCeilingMs(retry, baseDelayMs, maxDelayMs);
}
