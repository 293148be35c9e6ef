import { describe, expect, it } from "vitest";
import { CircuitBreaker, type CircuitStateChange } from "./circuit-breaker.js";

function make(overrides: Partial<ConstructorParameters<typeof CircuitBreaker>[1]> = {}) {
  const clock = { t: 0 };
  const changes: CircuitStateChange[] = [];
  const breaker = new CircuitBreaker("m", {
    consecutiveFailures: 3,
    failureRate: 0.5,
    minRequests: 10,
    windowMs: 10_000,
    openMs: 1_000,
    now: () => clock.t,
    onStateChange: (c) => changes.push(c),
    ...overrides,
  });
  return { breaker, clock, changes };
}

describe("CircuitBreaker", () => {
  it("opens after N consecutive failures and refuses calls while open", () => {
    const { breaker, changes } = make();
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state).toBe("closed");
    breaker.recordFailure();
    expect(breaker.state).toBe("open");
    expect(breaker.admit()).toEqual({ allowed: false, retryInMs: 1_000 });
    expect(changes).toEqual([{ model: "m", from: "closed", to: "open", reason: "consecutive_failures" }]);
  });

  it("a success resets the consecutive count", () => {
    const { breaker } = make();
    breaker.recordFailure();
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state).toBe("closed");
  });

  it("opens on the failure rate once minRequests calls ended in the window", () => {
    const { breaker, changes } = make({ consecutiveFailures: 100 });
    for (let i = 0; i < 5; i++) {
      breaker.recordSuccess();
      if (i < 4) breaker.recordFailure();
    }
    expect(breaker.state).toBe("closed"); // 9 calls < minRequests
    breaker.recordFailure(); // 10 calls, 5 failures = 50%
    expect(breaker.state).toBe("open");
    expect(changes.at(-1)?.reason).toBe("failure_rate");
  });

  it("half-opens after openMs, lets exactly one probe through, and closes on its success", () => {
    const { breaker, clock, changes } = make();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    clock.t = 999;
    expect(breaker.admit().allowed).toBe(false);
    clock.t = 1_000;
    expect(breaker.admit()).toEqual({ allowed: true, probe: true });
    expect(breaker.admit().allowed).toBe(false);
    breaker.recordSuccess();
    expect(breaker.state).toBe("closed");
    expect(changes.map((c) => `${c.from}->${c.to}:${c.reason}`)).toEqual([
      "closed->open:consecutive_failures",
      "open->half-open:open_elapsed",
      "half-open->closed:probe_succeeded",
    ]);
  });

  it("reopens when the probe fails, and frees the probe slot on an outcome that says nothing", () => {
    const { breaker, clock } = make();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    clock.t = 1_000;
    expect(breaker.admit().allowed).toBe(true);
    breaker.releaseProbe();
    expect(breaker.admit().allowed).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe("open");
    clock.t = 1_500;
    expect(breaker.admit()).toEqual({ allowed: false, retryInMs: 500 });
  });
});
