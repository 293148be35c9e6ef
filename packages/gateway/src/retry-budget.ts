/**
 * A token-bucket-like retry budget over a sliding window (the Finagle / gRPC idea): retries may be at most
 * `minRetries + ratio * requests` within the last `windowMs`. Requests and retries are counted in `buckets` time
 * slices so the window slides without keeping one entry per request.
 */
export interface RetryBudgetOptions {
  /** Extra attempts allowed per first attempt. Default 0.2 (retries add at most 20% load). */
  ratio: number;
  /** Retries always allowed per window, so a quiet client can still retry. Default 10. */
  minRetries: number;
  /** Sliding window length. Default 10 000 ms. */
  windowMs: number;
  now: () => number;
}

const BUCKETS = 10;

export class RetryBudget {
  readonly ratio: number;
  readonly minRetries: number;
  readonly windowMs: number;
  private readonly now: () => number;
  private readonly bucketMs: number;
  private readonly requests = new Float64Array(BUCKETS);
  private readonly retries = new Float64Array(BUCKETS);
  private readonly stamps = new Float64Array(BUCKETS).fill(Number.NEGATIVE_INFINITY);

  constructor(options: RetryBudgetOptions) {
    this.ratio = options.ratio;
    this.minRetries = options.minRetries;
    this.windowMs = options.windowMs;
    this.now = options.now;
    this.bucketMs = options.windowMs / BUCKETS;
  }

  /** Records a new logical request (its first attempt). */
  recordRequest(): void {
    this.requests[this.slot()]! += 1;
  }

  /** Takes one retry from the budget; false when spent (the caller must fail fast). */
  tryRetry(): boolean {
    const slot = this.slot();
    let requests = 0;
    let retries = 0;
    for (let i = 0; i < BUCKETS; i++) {
      requests += this.requests[i]!;
      retries += this.retries[i]!;
    }
    if (retries + 1 > this.minRetries + this.ratio * requests) return false;
    this.retries[slot]! += 1;
    return true;
  }

  /** Current window totals, for tests and diagnostics. */
  snapshot(): { requests: number; retries: number } {
    this.slot();
    let requests = 0;
    let retries = 0;
    for (let i = 0; i < BUCKETS; i++) {
      requests += this.requests[i]!;
      retries += this.retries[i]!;
    }
    return { requests, retries };
  }

  /** Index of the bucket for now, clearing buckets that fell out of the window. */
  private slot(): number {
    const tick = Math.floor(this.now() / this.bucketMs);
    for (let i = 0; i < BUCKETS; i++) {
      const stamp = this.stamps[i]!;
      if (stamp !== Number.NEGATIVE_INFINITY && tick - stamp >= BUCKETS) {
        this.requests[i] = 0;
        this.retries[i] = 0;
        this.stamps[i] = Number.NEGATIVE_INFINITY;
      }
    }
    const index = ((tick % BUCKETS) + BUCKETS) % BUCKETS;
    if (this.stamps[index] !== tick) {
      this.requests[index] = 0;
      this.retries[index] = 0;
      this.stamps[index] = tick;
    }
    return index;
  }
}
