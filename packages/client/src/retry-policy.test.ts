import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseRetryAfter, retryDelay } from "./retry-policy.js";

const NOW = Date.parse("2026-11-27T05:00:00Z");

describe("parseRetryAfter", () => {
  it("reads delay-seconds", () => {
    expect(parseRetryAfter("0", NOW)).toBe(0);
    expect(parseRetryAfter(" 7 ", NOW)).toBe(7000);
  });

  it("reads an HTTP date relative to now, clamping past dates to 0", () => {
    expect(parseRetryAfter("Fri, 27 Nov 2026 05:00:30 GMT", NOW)).toBe(30_000);
    expect(parseRetryAfter("Fri, 27 Nov 2026 04:59:00 GMT", NOW)).toBe(0);
  });

  it.each([null, undefined, "", "-1", "1.5", "soon", "12abc"])("ignores %o", (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});

describe("retryDelay", () => {
  it("uses Retry-After plus at most 10% jitter, never above maxDelayMs", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (after, r) => {
          const delay = retryDelay({
            attempt: 1,
            retryAfterMs: after,
            baseDelayMs: 100,
            maxDelayMs: 10_000,
            random: () => r,
          });
          if (after > 10_000) expect(delay).toBeUndefined();
          else {
            expect(delay).toBeGreaterThanOrEqual(after);
            expect(delay).toBeLessThanOrEqual(Math.min(10_000, Math.ceil(after * 1.1)));
          }
        },
      ),
    );
  });

  it("without Retry-After uses full jitter over a doubling step capped at maxDelayMs", () => {
    const at = (attempt: number, r: number) =>
      retryDelay({ attempt, retryAfterMs: undefined, baseDelayMs: 100, maxDelayMs: 1_000, random: () => r });
    expect(at(1, 0.999)).toBe(100);
    expect(at(2, 0.999)).toBe(200);
    expect(at(3, 0.5)).toBe(200);
    expect(at(10, 0.999)).toBe(999);
    expect(at(4, 0)).toBe(0);
  });
});
