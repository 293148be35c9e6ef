/**
 * The most recent attempt outcomes of one model, bounded both by count (the last `size`) and by age (those that
 * ended within `maxAgeMs`). The count bound is what makes a failure share react as fast at 10,000 calls a second as
 * at 10: a purely time-based window at high volume is full of old successes that a sudden outage must first
 * outnumber. The age bound forgets outcomes that say nothing about now at low volume. A ring buffer, O(1) per record
 * (amortised), no allocation after construction.
 */
export class OutcomeWindow {
  private readonly stamps: Float64Array;
  private readonly failed: Uint8Array;
  private head = 0;
  private length = 0;
  private failureCount = 0;

  constructor(
    private readonly size: number,
    private readonly maxAgeMs: number,
  ) {
    this.stamps = new Float64Array(size);
    this.failed = new Uint8Array(size);
  }

  /** Adds one outcome at time `now` (monotonic, never before the previous one). */
  record(now: number, failure: boolean): void {
    this.expire(now);
    if (this.length === this.size) this.dropOldest();
    const index = (this.head + this.length) % this.size;
    this.stamps[index] = now;
    const bit = failure ? 1 : 0;
    this.failed[index] = bit;
    this.failureCount += bit;
    this.length++;
  }

  /** Outcomes in the window at `now`. */
  total(now: number): number {
    this.expire(now);
    return this.length;
  }

  /** Failures in the window at `now`. */
  failures(now: number): number {
    this.expire(now);
    return this.failureCount;
  }

  clear(): void {
    this.head = 0;
    this.length = 0;
    this.failureCount = 0;
  }

  private expire(now: number): void {
    while (this.length > 0 && now - this.stamps[this.head]! >= this.maxAgeMs) this.dropOldest();
  }

  private dropOldest(): void {
    this.failureCount -= this.failed[this.head]!;
    this.head = (this.head + 1) % this.size;
    this.length--;
  }
}
