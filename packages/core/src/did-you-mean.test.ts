import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { closestMatch, closestMatches, didYouMean, editDistance } from "./did-you-mean.js";

describe("editDistance", () => {
  it("counts a swap of neighbouring letters as one edit", () => {
    expect(editDistance("nmae", "name")).toBe(1);
    expect(editDistance("lable", "label")).toBe(1);
    expect(editDistance("tiket", "ticket")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });

  it("is zero exactly for equal strings, symmetric, and at most the longer length", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const distance = editDistance(a, b);
        expect(distance === 0).toBe(a === b);
        expect(editDistance(b, a)).toBe(distance);
        expect(distance).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(distance).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
      }),
    );
  });
});

describe("closestMatches", () => {
  it("keeps candidates within max(2, a third of the input) edits, closest first, ties alphabetical", () => {
    expect(closestMatches("temprature", ["top_p", "temperature", "max_tokens"])).toEqual(["temperature"]);
    expect(closestMatches("cat", ["bat", "hat", "dog", "cart"])).toEqual(["bat", "cart", "hat"]);
    expect(closestMatches("cat", ["bat", "hat", "cart"], 2)).toEqual(["bat", "cart"]);
    // Ten characters allow three edits, not four.
    expect(closestMatches("abcdefghij", ["abcdefgxyz", "abcdefwxyz"])).toEqual(["abcdefgxyz"]);
    expect(closestMatches("zzzz", ["name", "label"])).toEqual([]);
  });

  it("ignores case, and suggests a candidate containing the input (or contained in it)", () => {
    expect(closestMatch("Ticket", ["ticket"])).toBe("ticket");
    expect(closestMatch("ticket", ["support/summarize-ticket"])).toBe("support/summarize-ticket");
    // Under three characters containment alone is no reason.
    expect(closestMatch("t", ["support/summarize-ticket"])).toBeUndefined();
  });

  it("only ever returns candidates it was given, at most `limit`, sorted by distance", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 8 }),
        fc.array(fc.string({ maxLength: 8 }), { maxLength: 10 }),
        (input, candidates) => {
          const found = closestMatches(input, candidates, 3);
          expect(found.length).toBeLessThanOrEqual(3);
          for (const candidate of found) expect(candidates).toContain(candidate);
          const distances = found.map((candidate) =>
            editDistance(input.toLowerCase(), candidate.toLowerCase()),
          );
          expect(distances).toEqual([...distances].sort((a, b) => a - b));
        },
      ),
    );
  });
});

describe("didYouMean", () => {
  it("is a sentence to append, quoting the name with control characters escaped, or nothing", () => {
    expect(didYouMean("valdate", ["validate", "list"])).toBe(' Did you mean "validate"?');
    expect(didYouMean("nmae\u001b", ["name\u001b"])).toBe(' Did you mean "name\\u001b"?');
    expect(didYouMean("zzzz", ["name"])).toBe("");
  });
});
