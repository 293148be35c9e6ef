import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffCeilingMs, computeBackoffMs } from "./backoff.js";

describe("computeBackoffMs (full jitter)", () => {
  it("scales the random draw by min(max, base * 2^(n-1))", () => {
    expect(computeBackoffMs({ retry: 1, baseDelayMs: 100, maxDelayMs: 10_000, random: () => 0.5 })).toBe(50);
    expect(computeBackoffMs({ retry: 3, baseDelayMs: 100, maxDelayMs: 10_000, random: () => 0.5 })).toBe(200);
    expect(
      computeBackoffMs({ retry: 10, baseDelayMs: 100, maxDelayMs: 1_000, random: () => 0.999 }),
    ).toBeCloseTo(999);
  });

  it("stays within [0, ceiling] and never exceeds maxDelayMs, whatever the inputs", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ noNaN: false }),
        (retry, base, max, r) => {
          const delay = computeBackoffMs({ retry, baseDelayMs: base, maxDelayMs: max, random: () => r });
          expect(Number.isFinite(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(
            Math.min(max, backoffCeilingMs({ retry, baseDelayMs: base, maxDelayMs: max })),
          );
        },
      ),
    );
  });

  it("has a ceiling that grows monotonically until the cap", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 1_000 }), (retry, base) => {
        expect(
          backoffCeilingMs({ retry: retry + 1, baseDelayMs: base, maxDelayMs: 30_000 }),
        ).toBeGreaterThanOrEqual(backoffCeilingMs({ retry, baseDelayMs: base, maxDelayMs: 30_000 }));
      }),
    );
    expect(backoffCeilingMs({ retry: 1_000_000, baseDelayMs: 1, maxDelayMs: 5 })).toBe(5);
  });
});
