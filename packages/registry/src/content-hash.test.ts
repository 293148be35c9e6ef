import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalCopy, canonicalJson, contentHash } from "./content-hash.js";

/**
 * The straightforward definition (the implementation before it was tuned for bundle loading): hashes in every
 * promptreg.lock were computed with it, so the tuned one must agree on every value. (Not JSON.stringify of a
 * key-sorted copy: objects list integer-like keys first whatever the insertion order.)
 */
function reference(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((item) => reference(item)).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${reference(item)}`).join(",")}}`;
}

describe("canonicalJson", () => {
  it("is the JSON text with keys sorted at every level, undefined members dropped", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
    expect(canonicalJson({ b: 1, a: [undefined, { d: undefined, c: "x" }] })).toBe(
      '{"a":[null,{"c":"x"}],"b":1}',
    );
    expect(canonicalJson({ "": null, "0": 0 })).toBe('{"":null,"0":0}');
  });

  it("gives equal hashes for equal content in any key order, different ones otherwise", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(contentHash(reversed)).toBe(contentHash(record));
        const extra = `${Object.keys(record).join("")}+`; // longer than every key, so not one of them
        expect(contentHash({ ...record, [extra]: 1 })).not.toBe(contentHash(record));
      }),
    );
  });
});

describe("canonicalJson's native path", () => {
  it("gives the reference text for values already in canonical order, and for their JSON round trip", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const sorted = canonicalCopy(value);
        expect(canonicalJson(sorted)).toBe(reference(value));
        expect(canonicalJson(JSON.parse(JSON.stringify(sorted)))).toBe(reference(value));
      }),
    );
  });

  it("falls back to sorting for anything JSON.stringify would write differently", () => {
    class Point {
      constructor(
        readonly y: number,
        readonly x: number,
      ) {}
    }
    const cases: unknown[] = [
      { b: 1, a: 2 },
      { a: { d: 1, c: 2 } },
      { "10": 1, "9": 2 },
      { a: () => 1 },
      { a: new Point(1, 2) },
      { a: new Date(0), b: { toJSON: () => "x" } },
      { a: [undefined, 1], b: undefined },
      { a: Object.create({ inherited: 1 }) },
    ];
    for (const value of cases) expect(canonicalJson(value)).toBe(reference(value));
    const withProto = JSON.parse('{"b":{"__proto__":{"x":1}},"a":1}');
    expect(canonicalJson(canonicalCopy(withProto))).toBe('{"a":1,"b":{"__proto__":{"x":1}}}');
    expect(canonicalJson(undefined)).toBe("null");
  });

  it("hashes a canonical copy like the original", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (record) => {
        expect(contentHash(canonicalCopy(record))).toBe(contentHash(record));
      }),
    );
  });
});
