import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { resolveOptions } from "../options.js";
import { FaultSelector } from "./fault-selector.js";

describe("FaultSelector key tracking", () => {
  it("numbers each key's requests and forgets keys oldest-first beyond maxTrackedKeys, like a FIFO of first requests", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.constantFrom("a", "b", "c", "d", "e", "f", "g"), { maxLength: 80 }),
        fc.boolean(),
        (maxTrackedKeys, keys, resetHalfway) => {
          const selector = new FaultSelector(resolveOptions({ maxTrackedKeys }));
          // The reference: counts in a Map whose oldest key is found by a plain scan (fine at this size).
          let model = new Map<string, number>();
          keys.forEach((key, index) => {
            if (resetHalfway && index === Math.floor(keys.length / 2)) {
              selector.reset();
              model = new Map();
            }
            const expected = (model.get(key) ?? 0) + 1;
            if (expected === 1 && model.size >= maxTrackedKeys) model.delete([...model.keys()][0]!);
            model.set(key, expected);
            const { attempt } = selector.select("openai/gpt-4o-mini", { "idempotency-key": key });
            expect(attempt).toBe(expected);
          });
          expect(Object.entries(selector.stats().requestsByKey)).toEqual([...model.entries()]);
        },
      ),
    );
  });
});
