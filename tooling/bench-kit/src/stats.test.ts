import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { upsertSection } from "./benchmarks-doc.js";
import { percentile, summarize } from "./stats.js";

describe("summarize", () => {
  it("uses nearest-rank percentiles", () => {
    const sample = Array.from({ length: 100 }, (_, i) => 100 - i);
    const stats = summarize(sample);
    expect(stats).toMatchObject({ n: 100, median: 50, p95: 95, p99: 99, min: 1, max: 100 });
  });

  it("rejects an empty sample instead of returning NaN", () => {
    expect(() => summarize([])).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it("keeps min <= median <= p99 <= max for any sample", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e9, max: 1e9 }), { minLength: 1 }), (sample) => {
        const s = summarize(sample);
        return s.min <= s.median && s.median <= s.p99 && s.p99 <= s.max;
      }),
    );
  });
});

describe("upsertSection", () => {
  it("appends a new section and replaces only its own section later", () => {
    let doc = "# Benchmarks\n";
    doc = upsertSection(doc, "a", "first A");
    doc = upsertSection(doc, "b", "first B");
    doc = upsertSection(doc, "a", "second A");
    expect(doc).toContain("second A");
    expect(doc).not.toContain("first A");
    expect(doc).toContain("first B");
    expect(doc.indexOf("second A")).toBeLessThan(doc.indexOf("first B"));
  });

  it("rejects ids that could collide with markdown", () => {
    expect(() => upsertSection("", "Bad Id", "x")).toThrow(/kebab-case/);
  });
});
