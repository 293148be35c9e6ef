import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anchorId, escapeHtml, fencedCode, htmlBlock } from "./html.js";

describe("html helpers", () => {
  it("escapeHtml leaves no markup characters, and decoding gives the text back", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const escaped = escapeHtml(text);
        expect(escaped).not.toMatch(/[<>"']/);
        const decoded = escaped
          .replaceAll("&lt;", "<")
          .replaceAll("&gt;", ">")
          .replaceAll("&quot;", '"')
          .replaceAll("&#39;", "'")
          .replaceAll("&amp;", "&");
        expect(decoded).toBe(text);
      }),
    );
  });

  it("htmlBlock is one line (a blank line would end markdown-it's HTML block) and turns Vue off with v-pre", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const block = htmlBlock("pre", { class: "x" }, escapeHtml(text));
        expect(block).not.toContain("\n");
        expect(block.startsWith('<pre v-pre class="x">')).toBe(true);
      }),
    );
  });

  it("fencedCode picks a fence no backtick run inside the code can close", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("`", "a", "\n", " ") }), (code) => {
        const block = fencedCode("text", code);
        const fence = /^`+/.exec(block)![0];
        const inner = block.slice(fence.length + "text\n".length, block.length - fence.length - 1);
        expect(inner).toBe(code.replace(/\n$/, ""));
        for (const run of inner.match(/`+/g) ?? []) expect(run.length).toBeLessThan(fence.length);
      }),
    );
  });

  it("anchorId gives stable, URL-safe ids for versions and example names", () => {
    expect(anchorId("v", "1.1.0-rc.1", "example", "Legacy input")).toBe("v-1-1-0-rc-1-example-legacy-input");
    fc.assert(
      fc.property(fc.array(fc.string()), (parts) => {
        expect(anchorId(...parts)).toMatch(/^[a-z0-9-]*$/);
      }),
    );
  });
});
