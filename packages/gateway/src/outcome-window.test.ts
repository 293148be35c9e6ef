import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OutcomeWindow } from "./outcome-window.js";

describe("OutcomeWindow", () => {
  it("keeps the last `size` outcomes", () => {
    const window = new OutcomeWindow(3, 1_000);
    for (const failure of [true, true, false, false]) window.record(0, failure);
    expect([window.total(0), window.failures(0)]).toEqual([3, 1]);
  });

  it("forgets outcomes older than maxAgeMs", () => {
    const window = new OutcomeWindow(10, 1_000);
    window.record(0, true);
    window.record(500, false);
    expect([window.total(999), window.failures(999)]).toEqual([2, 1]);
    expect([window.total(1_000), window.failures(1_000)]).toEqual([1, 0]);
    expect(window.total(1_500)).toBe(0);
    window.clear();
    window.record(2_000, true);
    expect([window.total(2_000), window.failures(2_000)]).toEqual([1, 1]);
  });

  it("agrees with a plain list of outcomes for any sequence", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean()), { maxLength: 60 }),
        (size, maxAgeMs, steps) => {
          const window = new OutcomeWindow(size, maxAgeMs);
          const model: { at: number; failure: boolean }[] = [];
          let now = 0;
          for (const [gap, failure] of steps) {
            now += gap;
            window.record(now, failure);
            model.push({ at: now, failure });
            const live = model.filter((o) => now - o.at < maxAgeMs).slice(-size);
            expect(window.total(now)).toBe(live.length);
            expect(window.failures(now)).toBe(live.filter((o) => o.failure).length);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
