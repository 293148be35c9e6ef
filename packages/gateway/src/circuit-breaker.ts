import { OutcomeWindow } from "./outcome-window.js";

/**
 * One circuit breaker per model, on the failure share of its recent attempts (the policy of resilience4j and Polly:
 * a failure-rate threshold over a sliding window with a minimum volume, then half-open probing).
 *
 * Closed: calls flow and each attempt's outcome goes into a window of the last `windowSize` outcomes that ended
 * within `windowMs`. The circuit opens when the window holds at least `minRequests` outcomes and at least
 * `failureRate` of them are failures (optionally also after `consecutiveFailures` failures in a row; off by
 * default, because at concurrency "in a row" is mostly chance: 10% noise gives five in a row every few thousand
 * attempts). Open: calls are refused for `openMs`. Then half-open: one probe call is let through; its success closes
 * the circuit with an empty window, its failure opens it again. Outcomes of attempts that were already in flight
 * when the circuit opened are ignored: they describe the past. Every state change goes to `onStateChange`.
 */
export type CircuitState = "closed" | "open" | "half-open";

export interface CircuitBreakerOptions {
  failureRate: number;
  minRequests: number;
  windowSize: number;
  windowMs: number;
  openMs: number;
  /** 0 turns the trigger off. */
  consecutiveFailures: number;
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

/** Shared (and frozen) so the closed-circuit path, taken by nearly every call, allocates nothing. */
const ADMITTED: Admission = Object.freeze({ allowed: true, probe: false });
const PROBE: Admission = Object.freeze({ allowed: true, probe: true });

export class CircuitBreaker {
  private stateValue: CircuitState = "closed";
  private consecutive = 0;
  private openedAt = 0;
  private probeInFlight = false;
  private readonly window: OutcomeWindow;

  constructor(
    readonly model: string,
    private readonly options: CircuitBreakerOptions,
  ) {
    this.window = new OutcomeWindow(options.windowSize, options.windowMs);
  }

  get state(): CircuitState {
    if (this.stateValue === "open" && this.options.now() - this.openedAt >= this.options.openMs) {
      this.transition("half-open", "open_elapsed");
    }
    return this.stateValue;
  }

  /** Asks to send one call. A `probe` admission must be followed by `record*(true)` or `releaseProbe()`. */
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

  /** An attempt succeeded; `probe` says whether it was the half-open probe. */
  recordSuccess(probe = false): void {
    if (probe) {
      this.probeInFlight = false;
      if (this.stateValue === "half-open") this.close();
      return;
    }
    if (this.stateValue !== "closed") return;
    this.consecutive = 0;
    this.window.record(this.options.now(), false);
  }

  /** An attempt failed in a way that says the model is unhealthy; `probe` as for `recordSuccess`. */
  recordFailure(probe = false): void {
    if (probe) {
      this.probeInFlight = false;
      if (this.stateValue === "half-open") this.open("probe_failed");
      return;
    }
    if (this.stateValue !== "closed") return;
    const now = this.options.now();
    this.window.record(now, true);
    this.consecutive++;
    const { consecutiveFailures, minRequests, failureRate } = this.options;
    if (consecutiveFailures > 0 && this.consecutive >= consecutiveFailures) {
      this.open("consecutive_failures");
      return;
    }
    const total = this.window.total(now);
    if (total >= minRequests && this.window.failures(now) >= failureRate * total) this.open("failure_rate");
  }

  /** A probe ended without an outcome that says anything about the model (caller error, abort): allow another. */
  releaseProbe(): void {
    this.probeInFlight = false;
  }

  private open(reason: CircuitStateChange["reason"]): void {
    this.openedAt = this.options.now();
    this.transition("open", reason);
  }

  private close(): void {
    // A fresh window: the failures that opened the circuit must not reopen it right after recovery.
    this.window.clear();
    this.consecutive = 0;
    this.transition("closed", "probe_succeeded");
  }

  private transition(to: CircuitState, reason: CircuitStateChange["reason"]): void {
    const from = this.stateValue;
    if (from === to) return;
    this.stateValue = to;
    this.options.onStateChange?.({ model: this.model, from, to, reason });
  }
}
