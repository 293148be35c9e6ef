import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { terminalText } from "./terminal-text.js";

// Anything a terminal interprets rather than prints: C0 and C1 controls, DEL, line and paragraph separators, and
// the bidirectional overrides that reorder what a reader sees ("trojan source").
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const unsafe = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

describe("terminalText", () => {
  it("keeps ordinary text, including non-ASCII, as it is", () => {
    expect(terminalText("templates/support/triage/1.0.0.yaml: résumé ✓ 日本")).toBe(
      "templates/support/triage/1.0.0.yaml: résumé ✓ 日本",
    );
  });

  it("writes newlines, carriage returns, tabs and ESC as visible escapes on one line", () => {
    expect(terminalText("a\nb\rc\td\u001b[31me\u0000")).toBe("a\\u000ab\\u000dc\\u0009d\\u001b[31me\\u0000");
  });

  it("escapes DEL, C1 controls, line separators and bidi overrides", () => {
    expect(terminalText("\u007f\u009b\u2028\u2029\u202e\u2066")).toBe(
      "\\u007f\\u009b\\u2028\\u2029\\u202e\\u2066",
    );
  });

  it("in block mode keeps newlines and tabs but still escapes carriage returns and ESC", () => {
    expect(terminalText("one\n\ttwo\r\n\u001b[2J", { block: true })).toBe("one\n\ttwo\\u000d\n\\u001b[2J");
  });

  it("never lets a control character through, for any string (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        const line = terminalText(text);
        expect(line).not.toMatch(unsafe);
        expect(line).not.toContain("\n");
        const block = terminalText(text, { block: true }).replace(/[\n\t]/g, "");
        expect(block).not.toMatch(unsafe);
      }),
    );
  });

  it("leaves text without unsafe characters untouched (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 100 }), (text) => {
        fc.pre(!unsafe.test(text));
        expect(terminalText(text)).toBe(text);
      }),
    );
  });
});
