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

describe("findPartialReferences: what is not a reference (issue 7)", () => {
  it("ignores partials inside short and long comments", () => {
    expect(findPartialReferences("{{! {{> in-short}} }}{{!-- {{> in-long}} }} --}}{{> real}}")).toEqual([
      "real",
    ]);
    expect(findPartialReferences("{{~!-- {{> a}} --~}}{{!-- x --}}{{> b}}")).toEqual(["b"]);
  });

  it("ignores escaped mustaches up to the next {{, but not an escaped backslash", () => {
    expect(findPartialReferences("Write \\{{> literal}} as text, then {{> real}}")).toEqual(["real"]);
    expect(findPartialReferences("\\{{> a}}\\{{> b}}{{> c}}")).toEqual(["c"]);
    // `\\{{` is an escaped backslash followed by a live mustache.
    expect(findPartialReferences("\\\\{{> live}}")).toEqual(["live"]);
  });

  it("ignores raw blocks", () => {
    expect(findPartialReferences("{{{{raw}}}} {{> inside}} {{{{/raw}}}}{{> after}}")).toEqual(["after"]);
  });

  it("does not count names an inline partial of the same source defines, but counts what inline bodies include", () => {
    const source =
      '{{#*inline "row"}}{{> support/tone}} {{name}}{{/inline}}{{#each items}}{{> row}}{{/each}}';
    expect(findPartialReferences(source)).toEqual(["support/tone"]);
    expect(findPartialReferences("{{#*inline 'single'}}x{{/inline}}{{> single}}{{> other}}")).toEqual([
      "other",
    ]);
  });

  it("is not fooled by `}}` inside a string literal of a tag", () => {
    expect(findPartialReferences('{{default x "}} {{> fake}}"}}{{> real}}')).toEqual(["real"]);
  });

  it("keeps offsets pointing at the tag", () => {
    expect(findPartialUses("{{! {{> a}} }}\\{{> b}} {{> c}}")).toEqual([{ name: "c", index: 23 }]);
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

  it("follows a chain of 20,000 partials without overflowing the stack", () => {
    const chain = new Map<string, string[]>();
    for (let i = 0; i < 20_000; i++) chain.set(`p${i}`, i + 1 < 20_000 ? [`p${i + 1}`] : ["p0"]);
    const cycles = findPartialCycles(chain);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toHaveLength(20_000);
    chain.set("p19999", []);
    expect(findPartialCycles(chain)).toEqual([]);
  });

  it("computes the transitive closure of used partials, ignoring missing ones", () => {
    expect(partialClosure(["e"], graph)).toEqual(["a", "b", "c", "e"]);
    expect(partialClosure(["f", "nope"], graph)).toEqual(["f"]);
  });
});
