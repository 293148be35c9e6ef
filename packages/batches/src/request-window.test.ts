import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MIN_WINDOW_MS, requestWindow } from "./request-window.js";

describe("requestWindow", () => {
  it("starts 15 items every 100 ms at 150 items/s, not 150 at each second", () => {
    expect(requestWindow(9_000)).toEqual({ max: 15, duration: 100 });
  });

  it("spaces a budget under one a second evenly instead of starting a minute's worth at once", () => {
    expect(requestWindow(7)).toEqual({ max: 1, duration: 8_572 });
    expect(requestWindow(60)).toEqual({ max: 1, duration: 1_000 });
  });

  it("never allows more than the budget, at most 1% less, in windows of at least MIN_WINDOW_MS", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), (requestsPerMinute) => {
        const { max, duration } = requestWindow(requestsPerMinute);
        expect(Number.isInteger(max) && Number.isInteger(duration)).toBe(true);
        expect(max).toBeGreaterThanOrEqual(1);
        expect(duration).toBeGreaterThanOrEqual(MIN_WINDOW_MS);
        const allowedPerMinute = (max * 60_000) / duration;
        expect(allowedPerMinute).toBeLessThanOrEqual(requestsPerMinute);
        expect(allowedPerMinute).toBeGreaterThanOrEqual(requestsPerMinute * 0.99);
      }),
    );
  });

  it("refuses a budget that is not a positive number", () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => requestWindow(bad)).toThrow(RangeError);
  });
});
