import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffCeilingMs } from "./backoff.js";
import { retryDelay } from "./retry-delay.js";

const base = { retry: 1, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 10_000 };

describe("retryDelay", () => {
  it("waits what the server asked plus up to 10% jitter, never less and never above maxRetryAfterMs", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 20_000, noNaN: true }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (after, r) => {
          const delay = retryDelay({ ...base, retryAfterMs: after, random: () => r });
          if (after > 10_000) {
            expect(delay).toBeUndefined();
            return;
          }
          expect(delay?.source).toBe("retry-after");
          expect(delay!.delayMs).toBeGreaterThanOrEqual(after);
          expect(delay!.delayMs).toBeLessThanOrEqual(Math.min(10_000, after * 1.1));
        },
      ),
    );
    expect(retryDelay({ ...base, retryAfterMs: 2_000, random: () => 0.5 })).toEqual({
      delayMs: 2_100,
      source: "retry-after",
    });
    expect(retryDelay({ ...base, retryAfterMs: 0, random: () => 0.9 })).toEqual({
      delayMs: 0,
      source: "retry-after",
    });
  });

  it("does not retry when the server asks for more than maxRetryAfterMs (a shorter wait would earn another 429)", () => {
    expect(retryDelay({ ...base, retryAfterMs: 10_001, random: () => 0 })).toBeUndefined();
  });

  it("uses full-jitter backoff without a Retry-After, however long the server's wait would have been", () => {
    const at = (retry: number, r: number) =>
      retryDelay({ ...base, retry, retryAfterMs: undefined, random: () => r });
    expect(at(1, 0.5)).toEqual({ delayMs: 50, source: "backoff" });
    expect(at(3, 0.5)).toEqual({ delayMs: 200, source: "backoff" });
    expect(at(10, 1)).toEqual({ delayMs: 1_000, source: "backoff" });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.double(), (retry, r) => {
        const delay = at(retry, r)!.delayMs;
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(backoffCeilingMs({ ...base, retry }));
      }),
    );
  });
});
