import { describe, expect, it } from "vitest";
import { findPartialCycles, findPartialReferences, findPartialUses, partialClosure } from "./partials.js";

describe("findPartialReferences", () => {
  it("finds plain, whitespace-control, block and quoted partials; skips dynamic ones and @partial-block", () => {
    const source = [
      "{{> support/tone}}",
      "{{~> trimmed }}",
      "{{#> layout}}body{{/layout}}",
      '{{> "quoted/name"}}',
      "{{> 'single'}}",
      "{{> (lookup . 'dynamic')}}",
      "{{> @partial-block}}",
      "{{> support/tone}}",
      "{{notapartial}} {{! > comment}}",
    ].join("\n");
    expect(findPartialReferences(source)).toEqual([
      "support/tone",
      "trimmed",
      "layout",
      "quoted/name",
      "single",
    ]);
    expect(findPartialUses("ab {{> x}}")).toEqual([{ name: "x", index: 3 }]);
  });
});

describe("partial graph", () => {
  const graph = new Map<string, string[]>([
    ["a", ["b"]],
    ["b", ["c", "missing"]],
    ["c", ["a"]],
    ["d", ["d"]],
    ["e", ["b"]],
    ["f", []],
  ]);

  it("reports each cycle once, starting from its smallest name", () => {
    expect(findPartialCycles(graph)).toEqual([["a", "b", "c"], ["d"]]);
    expect(
      findPartialCycles(
        new Map([
          ["x", ["y"]],
          ["y", []],
        ]),
      ),
    ).toEqual([]);
  });

  it("computes the transitive closure of used partials, ignoring missing ones", () => {
    expect(partialClosure(["e"], graph)).toEqual(["a", "b", "c", "e"]);
    expect(partialClosure(["f", "nope"], graph)).toEqual(["f"]);
  });
});
