import { describe, expect, it } from "vitest";
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitStateChange } from "./circuit-breaker.js";
import { DEFAULT_CIRCUIT_BREAKER } from "./config.js";

function make(overrides: Partial<CircuitBreakerOptions> = {}) {
  const clock = { t: 0 };
  const changes: CircuitStateChange[] = [];
  const breaker = new CircuitBreaker("m", {
    failureRate: 0.5,
    minRequests: 10,
    windowSize: 20,
    windowMs: 10_000,
    openMs: 1_000,
    consecutiveFailures: 0,
    now: () => clock.t,
    onStateChange: (c) => changes.push(c),
    ...overrides,
  });
  return { breaker, clock, changes };
}

const transitions = (changes: CircuitStateChange[]) => changes.map((c) => `${c.from}->${c.to}:${c.reason}`);

/** mulberry32: a seeded PRNG, so each simulated run is the same on every machine. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A fake-clock simulation of `concurrency` callers sending attempts back to back through one breaker. Each attempt
 * takes a random latency in [minLatencyMs, maxLatencyMs) and fails with probability `failureShare(startedAt)`. A
 * refused caller tries again 10 ms later. Returns when the circuit first opened (undefined: never) and what
 * happened.
 */
function simulate({
  options = {},
  concurrency = 50,
  durationMs,
  minLatencyMs,
  maxLatencyMs,
  failureShare,
  seed,
}: {
  options?: Partial<CircuitBreakerOptions>;
  concurrency?: number;
  durationMs: number;
  minLatencyMs: number;
  maxLatencyMs: number;
  failureShare: (at: number) => number;
  seed: number;
}) {
  const random = prng(seed);
  const clock = { t: 0 };
  let openedAt: number | undefined;
  const breaker = new CircuitBreaker("m", {
    ...DEFAULT_CIRCUIT_BREAKER,
    ...options,
    now: () => clock.t,
    onStateChange: (change) => {
      if (change.to === "open") openedAt ??= clock.t;
    },
  });
  // Per caller: when it next acts, and the attempt it has in flight (if any).
  const at = new Float64Array(concurrency);
  const inFlight: ({ probe: boolean; fails: boolean } | undefined)[] = new Array(concurrency).fill(undefined);
  let attempts = 0;
  for (;;) {
    let caller = 0;
    for (let i = 1; i < concurrency; i++) if (at[i]! < at[caller]!) caller = i;
    clock.t = at[caller]!;
    if (clock.t >= durationMs) break;
    const done = inFlight[caller];
    if (done) {
      if (done.fails) breaker.recordFailure(done.probe);
      else breaker.recordSuccess(done.probe);
      inFlight[caller] = undefined;
    }
    const admission = breaker.admit();
    if (!admission.allowed) {
      at[caller] = clock.t + 10;
      continue;
    }
    attempts++;
    inFlight[caller] = { probe: admission.probe, fails: random() < failureShare(clock.t) };
    at[caller] = clock.t + minLatencyMs + random() * (maxLatencyMs - minLatencyMs);
  }
  return { openedAt, attempts, state: breaker.state };
}

describe("CircuitBreaker", () => {
  it("opens on the failure rate once minRequests outcomes are in the window", () => {
    const { breaker, changes } = make();
    for (let i = 0; i < 5; i++) {
      breaker.recordSuccess();
      if (i < 4) breaker.recordFailure();
    }
    expect(breaker.state).toBe("closed"); // 9 outcomes < minRequests
    breaker.recordFailure(); // 10 outcomes, 5 failures = 50%
    expect(breaker.state).toBe("open");
    expect(breaker.admit()).toEqual({ allowed: false, retryInMs: 1_000 });
    expect(transitions(changes)).toEqual(["closed->open:failure_rate"]);
  });

  it("judges only the last windowSize outcomes, so old successes do not hide a new outage", () => {
    const { breaker } = make({ windowSize: 20, minRequests: 10 });
    for (let i = 0; i < 1_000; i++) breaker.recordSuccess();
    for (let i = 0; i < 9; i++) breaker.recordFailure();
    expect(breaker.state).toBe("closed"); // 9 of the last 20
    breaker.recordFailure();
    expect(breaker.state).toBe("open"); // 10 of the last 20
  });

  it("forgets outcomes older than windowMs, and needs minRequests again", () => {
    const { breaker, clock } = make();
    for (let i = 0; i < 9; i++) breaker.recordFailure();
    clock.t = 10_000;
    breaker.recordFailure();
    expect(breaker.state).toBe("closed"); // the nine earlier failures left the window
  });

  it("does not open on failures in a row unless consecutiveFailures asks for it", () => {
    const quiet = make({ minRequests: 20 });
    for (let i = 0; i < 19; i++) quiet.breaker.recordFailure();
    expect(quiet.breaker.state).toBe("closed");

    const { breaker, changes } = make({ consecutiveFailures: 3, minRequests: 20 });
    breaker.recordFailure();
    breaker.recordFailure();
    breaker.recordSuccess(); // resets the run
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state).toBe("closed");
    breaker.recordFailure();
    expect(transitions(changes)).toEqual(["closed->open:consecutive_failures"]);
  });

  it("half-opens after openMs, lets exactly one probe through, and closes with an empty window on its success", () => {
    const { breaker, clock, changes } = make();
    for (let i = 0; i < 10; i++) breaker.recordFailure();
    clock.t = 999;
    expect(breaker.admit().allowed).toBe(false);
    clock.t = 1_000;
    expect(breaker.admit()).toEqual({ allowed: true, probe: true });
    expect(breaker.admit().allowed).toBe(false);
    breaker.recordSuccess(true);
    expect(breaker.state).toBe("closed");
    expect(transitions(changes)).toEqual([
      "closed->open:failure_rate",
      "open->half-open:open_elapsed",
      "half-open->closed:probe_succeeded",
    ]);
    // The failures that opened it are gone: nine new ones (of ten) are below minRequests.
    for (let i = 0; i < 9; i++) breaker.recordFailure();
    expect(breaker.state).toBe("closed");
  });

  it("reopens when the probe fails, and frees the probe slot on an outcome that says nothing", () => {
    const { breaker, clock } = make();
    for (let i = 0; i < 10; i++) breaker.recordFailure();
    clock.t = 1_000;
    expect(breaker.admit().allowed).toBe(true);
    breaker.releaseProbe();
    expect(breaker.admit().allowed).toBe(true);
    breaker.recordFailure(true);
    expect(breaker.state).toBe("open");
    clock.t = 1_500;
    expect(breaker.admit()).toEqual({ allowed: false, retryInMs: 500 });
  });

  it("ignores outcomes of attempts that were in flight when it opened", () => {
    const { breaker, clock, changes } = make();
    for (let i = 0; i < 10; i++) breaker.recordFailure();
    breaker.recordSuccess(); // a straggler: neither closes nor counts
    clock.t = 1_000;
    expect(breaker.admit()).toEqual({ allowed: true, probe: true });
    breaker.recordFailure(); // another straggler, not the probe: the probe still decides
    expect(breaker.state).toBe("half-open");
    breaker.recordSuccess(true);
    expect(transitions(changes).at(-1)).toBe("half-open->closed:probe_succeeded");
  });
});

// Each run simulates tens of thousands of attempts: quick on a quiet box, seconds on a loaded one.
describe("the default policy under load (fake clock, 50 concurrent callers)", { timeout: 120_000 }, () => {
  const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  // Fast attempts (about 9,000 a second) and slow ones (about 200 a second), ten seeded runs each.
  const RUNS = SEEDS.flatMap((seed) =>
    [
      { minLatencyMs: 1, maxLatencyMs: 10 },
      { minLatencyMs: 50, maxLatencyMs: 400 },
    ].map((latency) => ({
      seed,
      ...latency,
      label: `seed ${seed}, ${latency.minLatencyMs}-${latency.maxLatencyMs} ms`,
    })),
  );

  it("never opens on 10% transient faults, fast or slow attempts", () => {
    for (const { label, ...run } of RUNS) {
      const outcome = simulate({ ...run, durationMs: 5_000, failureShare: () => 0.1 });
      expect(outcome.openedAt, label).toBeUndefined();
      expect(outcome.attempts, label).toBeGreaterThan(5_000 * (50 / run.maxLatencyMs));
    }
  });

  it("opens within a second of an upstream going dead, even after a long healthy run at high volume", () => {
    const deadAt = 3_000;
    for (const { label, ...run } of RUNS) {
      const outcome = simulate({ ...run, durationMs: 5_000, failureShare: (t) => (t >= deadAt ? 1 : 0.1) });
      expect(outcome.openedAt, label).toBeGreaterThanOrEqual(deadAt);
      expect(outcome.openedAt! - deadAt, label).toBeLessThan(1_000);
    }
  });

  it("the old default (5 failures in a row) opened on the same 10% noise (4 of these 10 runs)", () => {
    const opened = SEEDS.filter(
      (seed) =>
        simulate({
          options: { consecutiveFailures: 5 },
          durationMs: 5_000,
          minLatencyMs: 1,
          maxLatencyMs: 10,
          failureShare: () => 0.1,
          seed,
        }).openedAt !== undefined,
    );
    expect(opened.length).toBeGreaterThan(0);
  });
});
