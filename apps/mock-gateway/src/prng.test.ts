import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createPrng } from "./prng.js";

describe("createPrng", () => {
  it("repeats the same sequence for the same seed and stays in [0, 1)", () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const a = createPrng(seed);
        const b = createPrng(seed);
        for (let i = 0; i < 20; i++) {
          const value = a.next();
          expect(b.next()).toBe(value);
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThan(1);
        }
      }),
    );
  });

  it("gives different sequences for different seeds and roughly uniform integers", () => {
    const a = Array.from({ length: 10 }, createPrng(1).next);
    const b = Array.from({ length: 10 }, createPrng(2).next);
    expect(a).not.toEqual(b);
    const prng = createPrng(99);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[prng.int(4)]!++;
    for (const count of counts) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });
});
