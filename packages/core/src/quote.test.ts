import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeControl, quote } from "./quote.js";

/** True when `text` holds a C0/C1 control, DEL, U+2028/2029 or a bidirectional formatting character. */
function hasUnsafeCharacter(text: string): boolean {
  return [...text].some((char) => {
    const code = char.codePointAt(0)!;
    return (
      code < 0x20 ||
      (code >= 0x7f && code <= 0x9f) ||
      code === 0x2028 ||
      code === 0x2029 ||
      code === 0x200e ||
      code === 0x200f ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069)
    );
  });
}

describe("quote and escapeControl", () => {
  it("never let a control, line-separator or bidi character through, and lose nothing", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (text) => {
        expect(hasUnsafeCharacter(quote(text))).toBe(false);
        expect(hasUnsafeCharacter(escapeControl(text))).toBe(false);
        expect(JSON.parse(quote(text))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it("leave printable names as they are", () => {
    expect(quote("support/summarize-ticket")).toBe('"support/summarize-ticket"');
    expect(escapeControl("demo/a/1.0.0.yaml")).toBe("demo/a/1.0.0.yaml");
    expect(escapeControl("a\u001b[2Jb")).toBe("a\\u001b[2Jb");
  });
});
