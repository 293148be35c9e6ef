import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compilePattern, type PatternMatcher } from "./pattern.js";

function matcher(source: string): PatternMatcher {
  const compiled = compilePattern(source);
  if (!compiled.ok) throw new Error(`${source}: ${compiled.message}`);
  return compiled.matcher;
}

describe("compilePattern", () => {
  it("matches in linear time where a backtracking engine explodes", () => {
    // JavaScript's RegExp needs ~2^n steps for these inputs (n = 5,000); RE2 answers in one pass.
    const nested = matcher("^(a+)+$");
    expect(nested.test(`${"a".repeat(5_000)}!`)).toBe(false);
    expect(nested.test("a".repeat(5_000))).toBe(true);
    expect(matcher("^(a|aa)*$").test(`${"a".repeat(5_000)}b`)).toBe(false);
    expect(matcher("(x+x+)+y").test("x".repeat(5_000))).toBe(false);
  });

  it("keeps JSON Schema's unanchored semantics", () => {
    expect(matcher("b").test("abc")).toBe(true);
    expect(matcher("^b").test("abc")).toBe(false);
    expect(matcher("c$").test("abc")).toBe(true);
    expect(matcher("c$").test("abc\n")).toBe(false);
  });

  it.each([
    ["(a)\\1", "backreference"],
    ["(?<x>a)\\k<x>", "named backreference"],
    ["^(?=.*\\d).{8,}$", "lookahead"],
    ["a(?!b)", "lookahead"],
    ["(?<=a)b", "lookbehind"],
    ["(?<!a)b", "lookbehind"],
    ["[]", "empty class"],
    ["\\uD800", "lone surrogate"],
    ["a{1001}", "repetition counts are limited to 1000"],
  ])("refuses %s (%s) with a fix", (source, what) => {
    const compiled = compilePattern(source);
    expect(compiled.ok).toBe(false);
    if (compiled.ok) return;
    expect(compiled.reason).toBe("unsupported");
    expect(compiled.message).toContain(what);
    expect(compiled.message.length).toBeGreaterThan(60);
  });

  it("tells an invalid ECMAScript pattern from an unsupported one", () => {
    const compiled = compilePattern("^[A-Z+$");
    expect(compiled).toMatchObject({ ok: false, reason: "invalid" });
    // RE2-only syntax is not ECMAScript, so it is invalid rather than silently accepted.
    expect(compilePattern("(?P<x>a)")).toMatchObject({ ok: false, reason: "invalid" });
    expect(compilePattern("\\pL")).toMatchObject({ ok: false, reason: "invalid" });
  });

  it.each([
    // [pattern, input, ECMAScript verdict]
    ["^.$", "\r", false],
    ["^.$", "\u2028", false],
    ["^.$", "😀", true],
    ["^\\s$", "\u00a0", true],
    ["^\\s$", "\ufeff", true],
    ["^\\s$", "\v", true],
    ["^[\\S]$", "\u3000", false],
    ["^[\\S]$", "x", true],
    ["^\\u0041\\u{1F600}$", "A😀", true],
    ["^\\uD83D\\uDE00$", "😀", true],
    ["^\\cJ$", "\n", true],
    ["^\\0$", "\0", true],
    ["^[^]$", "\n", true],
    ["^[\\b]$", "\b", true],
    ["^\\p{Letter}+$", "héllo", true],
    ["^\\p{Script=Greek}+$", "αβγ", true],
    ["^\\p{Script=Greek}+$", "abc", false],
    ["^(?<word>\\w+)$", "abc", true],
    ["^[[a]+$", "[a[", true],
    ["^\\d+$", "٣", false],
    ["^\\w+$", "é", false],
  ])("matches %j on %j like ECMAScript (%s)", (source, input, expected) => {
    expect(new RegExp(source, "u").test(input)).toBe(expected);
    expect(matcher(source).test(input)).toBe(expected);
  });

  // Runs with a generous timeout: on a loaded machine 1,000 property runs can take several seconds.
  it("agrees with ECMAScript's RegExp on generated patterns and inputs", { timeout: 60_000 }, () => {
    // Small patterns over the constructs whose meaning differs between the engines unless translated.
    const atom = fc.constantFrom(
      "a",
      "b",
      " ",
      ".",
      "\\s",
      "\\S",
      "\\d",
      "\\w",
      "\\W",
      "[ab]",
      "[^a]",
      "[\\s]",
      "[^\\s]",
      "[\\Sa]",
      "\\u00e9",
      "\\u{1F600}",
      "\\x41",
      "\\n",
      "[^]",
      "\\p{L}",
      "\\p{Nd}",
    );
    const quantifier = fc.constantFrom("", "", "*", "+", "?", "{1,2}");
    const piece = fc.tuple(atom, quantifier).map(([a, q]) => a + q);
    const sequence = fc.array(piece, { minLength: 1, maxLength: 4 }).map((parts) => parts.join(""));
    const pattern = fc
      .tuple(fc.boolean(), fc.array(sequence, { minLength: 1, maxLength: 3 }), fc.boolean())
      .map(
        ([start, alternatives, end]) => `${start ? "^" : ""}(?:${alternatives.join("|")})${end ? "$" : ""}`,
      );
    const char = fc.constantFrom(
      "a",
      "b",
      "A",
      "1",
      " ",
      "\n",
      "\r",
      "\t",
      "\v",
      "\u00a0",
      "\u2028",
      "\u3000",
      "\ufeff",
      "é",
      "٣",
      "😀",
      "_",
      "-",
    );
    const input = fc.array(char, { maxLength: 6 }).map((chars) => chars.join(""));
    fc.assert(
      fc.property(pattern, input, (source, text) => {
        expect(matcher(source).test(text), `${source} on ${JSON.stringify(text)}`).toBe(
          new RegExp(source, "u").test(text),
        );
      }),
      { numRuns: 1_000 },
    );
  });
});
