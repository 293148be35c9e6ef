/**
 * One circuit breaker per model. Closed: calls flow, outcomes are counted. It opens after `consecutiveFailures`
 * failures in a row, or when at least `minRequests` calls ended in the last `windowMs` and the failure share reached
 * `failureRate`. Open: calls are refused for `openMs`. Then half-open: one probe call is let through; its success
 * closes the circuit, its failure opens it again. Every state change is reported through `onStateChange`.
 */
export type CircuitState = "closed" | "open" | "half-open";

export interface CircuitBreakerOptions {
  consecutiveFailures: number;
  failureRate: number;
  minRequests: number;
  windowMs: number;
  openMs: number;
  now: () => number;
  onStateChange?: (change: CircuitStateChange) => void;
}

export interface CircuitStateChange {
  model: string;
  from: CircuitState;
  to: CircuitState;
  reason: "consecutive_failures" | "failure_rate" | "open_elapsed" | "probe_succeeded" | "probe_failed";
}

export type Admission = { allowed: true; probe: boolean } | { allowed: false; retryInMs: number };

const BUCKETS = 10;
/** Shared (and frozen) so the closed-circuit path, taken by nearly every call, allocates nothing. */
const ADMITTED: Admission = Object.freeze({ allowed: true, probe: false });
const PROBE: Admission = Object.freeze({ allowed: true, probe: true });

export class CircuitBreaker {
  private stateValue: CircuitState = "closed";
  private consecutive = 0;
  private openedAt = 0;
  private probeInFlight = false;
  private readonly bucketMs: number;
  private readonly successes = new Float64Array(BUCKETS);
  private readonly failures = new Float64Array(BUCKETS);
  private readonly stamps = new Float64Array(BUCKETS).fill(Number.NEGATIVE_INFINITY);

  constructor(
    readonly model: string,
    private readonly options: CircuitBreakerOptions,
  ) {
    this.bucketMs = options.windowMs / BUCKETS;
  }

  get state(): CircuitState {
    if (this.stateValue === "open" && this.options.now() - this.openedAt >= this.options.openMs) {
      this.transition("half-open", "open_elapsed");
    }
    return this.stateValue;
  }

  /** Asks to send one call. A `probe` admission must be followed by `record*` so the circuit can leave half-open. */
  admit(): Admission {
    const state = this.state;
    if (state === "closed") return ADMITTED;
    if (state === "half-open" && !this.probeInFlight) {
      this.probeInFlight = true;
      return PROBE;
    }
    const retryInMs =
      state === "open"
        ? Math.max(0, this.options.openMs - (this.options.now() - this.openedAt))
        : this.options.openMs;
    return { allowed: false, retryInMs };
  }

  recordSuccess(): void {
    this.consecutive = 0;
    this.successes[this.slot()]! += 1;
    if (this.stateValue === "half-open") {
      this.probeInFlight = false;
      this.transition("closed", "probe_succeeded");
    }
  }

  recordFailure(): void {
    this.consecutive += 1;
    this.failures[this.slot()]! += 1;
    if (this.stateValue === "half-open") {
      this.probeInFlight = false;
      this.open("probe_failed");
      return;
    }
    if (this.stateValue !== "closed") return;
    if (this.consecutive >= this.options.consecutiveFailures) {
      this.open("consecutive_failures");
      return;
    }
    let ok = 0;
    let bad = 0;
    for (let i = 0; i < BUCKETS; i++) {
      ok += this.successes[i]!;
      bad += this.failures[i]!;
    }
    if (ok + bad >= this.options.minRequests && bad / (ok + bad) >= this.options.failureRate) {
      this.open("failure_rate");
    }
  }

  /** A probe ended without an outcome that says anything about the model (caller error, abort): allow another. */
  releaseProbe(): void {
    if (this.stateValue === "half-open") this.probeInFlight = false;
  }

  private open(reason: CircuitStateChange["reason"]): void {
    this.openedAt = this.options.now();
    this.transition("open", reason);
    // A fresh window after reopening, so old failures do not reopen the circuit right after the next probe.
    this.successes.fill(0);
    this.failures.fill(0);
    this.consecutive = 0;
  }

  private transition(to: CircuitState, reason: CircuitStateChange["reason"]): void {
    const from = this.stateValue;
    if (from === to) return;
    this.stateValue = to;
    this.options.onStateChange?.({ model: this.model, from, to, reason });
  }

  private slot(): number {
    const tick = Math.floor(this.options.now() / this.bucketMs);
    for (let i = 0; i < BUCKETS; i++) {
      const stamp = this.stamps[i]!;
      if (stamp !== Number.NEGATIVE_INFINITY && tick - stamp >= BUCKETS) {
        this.successes[i] = 0;
        this.failures[i] = 0;
        this.stamps[i] = Number.NEGATIVE_INFINITY;
      }
    }
    const index = ((tick % BUCKETS) + BUCKETS) % BUCKETS;
    if (this.stamps[index] !== tick) {
      this.successes[index] = 0;
      this.failures[index] = 0;
      this.stamps[index] = tick;
    }
    return index;
  }
}
