import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scanHandlebarsTags } from "./handlebars-tags.js";

const shape = (source: string) =>
  scanHandlebarsTags(source).map((tag) => ({
    text: source.slice(tag.start, tag.end),
    ...(tag.opens ? { opens: true } : {}),
    ...(tag.closes ? { closes: true } : {}),
    ...(tag.chains ? { chains: true } : {}),
    ...(tag.parenDepth > 0 ? { parenDepth: tag.parenDepth } : {}),
    ...(tag.partial === undefined ? {} : { partial: tag.partial }),
    ...(tag.inline === undefined ? {} : { inline: tag.inline }),
  }));

describe("scanHandlebarsTags", () => {
  it("classifies blocks, inverse blocks, else chains, partials and inline definitions", () => {
    expect(
      shape(
        '{{#if a}}{{else if b}}{{^}}{{/if}}{{^c}}{{/c}}{{#> layout}}{{/layout}}{{#*inline "r"}}{{/inline}}',
      ),
    ).toEqual([
      { text: "{{#if a}}", opens: true },
      { text: "{{else if b}}", chains: true },
      { text: "{{^}}" },
      { text: "{{/if}}", closes: true },
      { text: "{{^c}}", opens: true },
      { text: "{{/c}}", closes: true },
      { text: "{{#> layout}}", opens: true, partial: "layout" },
      { text: "{{/layout}}", closes: true },
      { text: '{{#*inline "r"}}', opens: true, inline: "r" },
      { text: "{{/inline}}", closes: true },
    ]);
  });

  it("measures sub-expression nesting outside string literals and [segments]", () => {
    expect(shape('{{a (b (c ")))") [d(]) (e)}}')).toEqual([
      { text: '{{a (b (c ")))") [d(]) (e)}}', parenDepth: 2 },
    ]);
  });

  it("ends a triple-stash at }}}, and a tag left open at the end of the source", () => {
    expect(shape("{{{raw}}} {{~else~}} {{open")).toEqual([
      { text: "{{{raw}}}" },
      { text: "{{~else~}}" },
      { text: "{{open" },
    ]);
  });

  it("skips comments, escapes and raw blocks", () => {
    expect(shape("{{!-- {{#if}} --}}{{! {{#if}}}}\\{{#if}} {{{{raw}}}}{{#if}}{{{{/raw}}}}{{x}}")).toEqual([
      { text: "{{x}}" },
    ]);
  });

  it("reads each character a bounded number of times, whatever the source (property)", () => {
    const piece = fc.constantFrom(
      "{{",
      "}}",
      "{{{{",
      "}}}}",
      "{{!--",
      "--}}",
      "{{!",
      "\\",
      '"',
      "'",
      "(",
      ")",
      "[",
      "]",
      "#",
      "/",
      "^",
      ">",
      "~",
      "a",
      " ",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 400 }), (pieces) => {
        const source = pieces.join("");
        const tags = scanHandlebarsTags(source);
        let last = -1;
        for (const tag of tags) {
          expect(tag.start).toBeGreaterThan(last);
          expect(tag.end).toBeGreaterThan(tag.start);
          expect(tag.end).toBeLessThanOrEqual(source.length);
          last = tag.start;
        }
      }),
      { numRuns: 300 },
    );
  });
});
