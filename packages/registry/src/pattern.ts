/**
 * Schema `pattern`s run on RE2 (the `re2js` port), whose matching time is linear in the input: a template's
 * `^(a+)+$` cannot hang a render or `validate` the way a backtracking engine (JavaScript's RegExp) does.
 *
 * JSON Schema patterns are ECMA-262 regular expressions. A pattern must first compile as one (Unicode mode); it is
 * then translated to RE2 syntax so that it matches exactly what the ECMAScript pattern matches:
 *   - `.` becomes "anything but \n, \r, U+2028, U+2029", and `\s` / `\S` ECMAScript's whitespace set (RE2's own
 *     `.` excludes only \n and its `\s` is ASCII only);
 *   - `\uXXXX`, `\u{X}`, `\cX`, `\0` and `[^]` become RE2 spellings of the same characters;
 *   - `\p{Script=Greek}` / `\p{Letter}` become RE2's `\p{Greek}` / `\p{L}`; named groups become plain groups
 *     (nothing reads captures).
 * What RE2 cannot express (backreferences, lookahead, lookbehind, inline modifiers) is refused at load with a
 * message that says what to write instead. `\d`, `\w`, `\b`, `^` and `$` mean the same in both (ASCII; `$` only at
 * the very end). Unicode property classes use RE2's Unicode tables, which may be a different Unicode version.
 */
import { RE2JS } from "re2js";

export interface PatternMatcher {
  /** The pattern as written in the schema. */
  readonly source: string;
  /** True when the pattern matches anywhere in `input` (JSON Schema patterns are not anchored). */
  test(input: string): boolean;
}

export type CompiledPattern =
  | { ok: true; matcher: PatternMatcher }
  | {
      ok: false;
      /** `invalid`: not an ECMAScript regular expression; `unsupported`: valid, but RE2 cannot run it. */
      reason: "invalid" | "unsupported";
      /** 0-based offset in the pattern of the offending construct (0 when unknown). */
      at: number;
      /** What is wrong and what to write instead. */
      message: string;
    };

/** ECMAScript's WhiteSpace and LineTerminator code points: what `\s` matches there. */
const WHITESPACE =
  "\\t\\n\\x{b}\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}";
/** Every code point outside WHITESPACE, for `\S` inside a character class (where a negated class cannot nest). */
const NOT_WHITESPACE =
  "\\x{0}-\\x{8}\\x{e}-\\x{1f}\\x{21}-\\x{9f}\\x{a1}-\\x{167f}\\x{1681}-\\x{1fff}\\x{200b}-\\x{2027}" +
  "\\x{202a}-\\x{202e}\\x{2030}-\\x{205e}\\x{2060}-\\x{2fff}\\x{3001}-\\x{fefe}\\x{ff00}-\\x{10ffff}";
/** ECMAScript's `.`: any code point except line terminators. */
const DOT = "[^\\n\\r\\x{2028}\\x{2029}]";

/** ECMAScript General_Category long names -> the short names RE2 knows. */
const CATEGORY_SHORT_NAMES: Readonly<Record<string, string>> = {
  Letter: "L",
  Uppercase_Letter: "Lu",
  Lowercase_Letter: "Ll",
  Titlecase_Letter: "Lt",
  Modifier_Letter: "Lm",
  Other_Letter: "Lo",
  Mark: "M",
  Combining_Mark: "M",
  Nonspacing_Mark: "Mn",
  Spacing_Mark: "Mc",
  Enclosing_Mark: "Me",
  Number: "N",
  Decimal_Number: "Nd",
  digit: "Nd",
  Letter_Number: "Nl",
  Other_Number: "No",
  Punctuation: "P",
  punct: "P",
  Connector_Punctuation: "Pc",
  Dash_Punctuation: "Pd",
  Open_Punctuation: "Ps",
  Close_Punctuation: "Pe",
  Initial_Punctuation: "Pi",
  Final_Punctuation: "Pf",
  Other_Punctuation: "Po",
  Symbol: "S",
  Math_Symbol: "Sm",
  Currency_Symbol: "Sc",
  Modifier_Symbol: "Sk",
  Other_Symbol: "So",
  Separator: "Z",
  Space_Separator: "Zs",
  Line_Separator: "Zl",
  Paragraph_Separator: "Zp",
  Other: "C",
  Control: "Cc",
  cntrl: "Cc",
  Format: "Cf",
  Surrogate: "Cs",
  Private_Use: "Co",
};

/**
 * A construct RE2 cannot run: what it is, where, and what to write instead. Internal control flow, never thrown out
 * of the package (not in index.ts), so not a PromptregBaseError.
 */
class Unsupported extends Error {
  constructor(
    readonly at: number,
    readonly construct: string,
    readonly fix: string,
  ) {
    super(construct);
  }
}

const REPEAT_INSTEAD =
  "repeat the group's pattern instead (it then accepts any text the group accepts, not only the same text), or check it in application code";

const hex = (code: number) => `\\x{${code.toString(16)}}`;

/** Reads the escape starting at `source[at] === "\\"`; returns its RE2 spelling and the index after it. */
function translateEscape(source: string, at: number, inClass: boolean): [string, number] {
  const next = source[at + 1]!;
  switch (next) {
    case "s":
      return [inClass ? WHITESPACE : `[${WHITESPACE}]`, at + 2];
    case "S":
      return [inClass ? NOT_WHITESPACE : `[^${WHITESPACE}]`, at + 2];
    case "b":
      // Inside a class, ECMAScript's \b is the backspace character; outside, a word boundary (ASCII in both).
      return [inClass ? hex(8) : "\\b", at + 2];
    case "0":
      return [hex(0), at + 2];
    case "c":
      return [hex(source.charCodeAt(at + 2) % 32), at + 3];
    case "x":
      return [hex(Number.parseInt(source.slice(at + 2, at + 4), 16)), at + 4];
    case "u": {
      if (source[at + 2] === "{") {
        const end = source.indexOf("}", at + 3);
        return [hex(Number.parseInt(source.slice(at + 3, end), 16)), end + 1];
      }
      const code = Number.parseInt(source.slice(at + 2, at + 6), 16);
      if (code >= 0xd800 && code <= 0xdbff && /^\\u[dD][c-fC-F][0-9a-fA-F]{2}/.test(source.slice(at + 6))) {
        const low = Number.parseInt(source.slice(at + 8, at + 12), 16);
        return [hex(0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00)), at + 12];
      }
      if (code >= 0xd800 && code <= 0xdfff) {
        throw new Unsupported(
          at,
          `the lone surrogate ${source.slice(at, at + 6)}`,
          "it is half of a character; write the whole character, e.g. \\u{1F600}",
        );
      }
      return [hex(code), at + 6];
    }
    case "p":
    case "P": {
      const end = source.indexOf("}", at + 3);
      const body = source.slice(at + 3, end);
      const [name, value] = body.includes("=") ? body.split("=") : [undefined, body];
      let re2Name: string;
      if (name === undefined || name === "General_Category" || name === "gc") {
        re2Name = CATEGORY_SHORT_NAMES[value!] ?? value!;
      } else if (name === "Script" || name === "sc") {
        re2Name = value!;
      } else {
        throw new Unsupported(
          at,
          `the property class ${source.slice(at, end + 1)}`,
          "use a general category such as \\p{L} or a script such as \\p{Script=Greek}",
        );
      }
      return [`\\${next}{${re2Name}}`, end + 1];
    }
    case "k":
      throw new Unsupported(at, "a named backreference (\\k<name>)", REPEAT_INSTEAD);
    default:
      if (next >= "1" && next <= "9") {
        throw new Unsupported(at, `a backreference (\\${next})`, REPEAT_INSTEAD);
      }
      // \d \D \w \W \B \t \n \v \f \r and escaped syntax characters mean the same in RE2.
      return [`\\${next}`, at + 2];
  }
}

/** The RE2 spelling of an ECMAScript (Unicode mode) pattern that is already known to compile. */
function translate(source: string): string {
  let out = "";
  let at = 0;
  while (at < source.length) {
    const char = source[at]!;
    if (char === "\\") {
      const [text, next] = translateEscape(source, at, false);
      out += text;
      at = next;
    } else if (char === ".") {
      out += DOT;
      at++;
    } else if (char === "(" && source[at + 1] === "?") {
      const rest = source.slice(at + 2);
      if (rest.startsWith("=") || rest.startsWith("!")) {
        throw new Unsupported(
          at,
          `a lookahead "(?${rest[0]}"`,
          'express the condition without it (for example ^(?=.*\\d).{8,}$ becomes pattern: "\\d" with minLength: 8), or check it in application code',
        );
      }
      if (rest.startsWith("<=") || rest.startsWith("<!")) {
        throw new Unsupported(
          at,
          `a lookbehind "(?${rest.slice(0, 2)}"`,
          "express the condition without it, or check it in application code",
        );
      }
      if (rest.startsWith("<")) {
        // A named group: nothing reads captures, so a plain group matches the same.
        out += "(?:";
        at = source.indexOf(">", at) + 1;
      } else if (rest.startsWith(":")) {
        out += "(?:";
        at += 3;
      } else {
        throw new Unsupported(
          at,
          `the inline modifier "${source.slice(at, source.indexOf(":", at) + 1)}"`,
          "write the alternatives out instead, e.g. [Aa] for a case-insensitive a",
        );
      }
    } else if (char === "[") {
      if (source.startsWith("[^]", at)) {
        out += "[\\x{0}-\\x{10ffff}]";
        at += 3;
        continue;
      }
      if (source.startsWith("[]", at)) {
        throw new Unsupported(at, "the empty class []", "it never matches anything; remove it");
      }
      out += "[";
      at++;
      if (source[at] === "^") {
        out += "^";
        at++;
      }
      while (source[at] !== "]") {
        const inner = source[at]!;
        if (inner === "\\") {
          const [text, next] = translateEscape(source, at, true);
          out += text;
          at = next;
        } else {
          // RE2 reads "[:" inside a class as a POSIX class; ECMAScript reads a literal "[".
          out += inner === "[" ? "\\[" : inner;
          at++;
        }
      }
      out += "]";
      at++;
    } else {
      out += char;
      at++;
    }
  }
  return out;
}

/**
 * Checks and compiles a schema pattern. Never throws; the failure says why and what to write instead.
 * Compile once per schema (at load): the matcher is reusable and safe to share.
 */
export function compilePattern(source: string): CompiledPattern {
  try {
    new RegExp(source, "u");
  } catch (error) {
    return {
      ok: false,
      reason: "invalid",
      at: 0,
      message: `is not a valid regular expression (${(error as Error).message}). Escape special characters such as ( [ { with a backslash`,
    };
  }
  let re2: string;
  try {
    re2 = translate(source);
  } catch (error) {
    if (error instanceof Unsupported) {
      return {
        ok: false,
        reason: "unsupported",
        at: error.at,
        message: `uses ${error.construct} at character ${error.at + 1}, which the linear-time regex engine (RE2) cannot run: ${error.fix}`,
      };
    }
    throw error;
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(re2);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const hint = /repeat count|repeat size/.test(detail)
      ? "repetition counts are limited to 1000 ({0,1000}); use minLength / maxLength for longer limits"
      : "simplify the pattern (RE2 syntax: https://github.com/google/re2/wiki/Syntax)";
    return {
      ok: false,
      reason: "unsupported",
      at: 0,
      message: `cannot be run by the linear-time engine (${detail}); ${hint}`,
    };
  }
  return { ok: true, matcher: { source, test: (input) => compiled.test(input) } };
}
