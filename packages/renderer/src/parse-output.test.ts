import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fakeRegistry, makeVersion } from "../test/fake-registry.js";
import { BUDGETS } from "./budgets.js";
import { OutputValidationError } from "./errors/output-validation-error.js";
import { jsonErrorOffset } from "./json-error-offset.js";
import { extractJson, positionOf, validateOutput } from "./parse-output.js";
import { createRenderer } from "./renderer.js";

const output = z.object({
  summary: z.string(),
  sentiment: z.enum(["positive", "neutral", "negative"]),
  next_steps: z.array(z.string()).min(1),
});
const version = makeVersion({ messages: [{ role: "user", content: "x" }], output });
const renderer = createRenderer({ registry: fakeRegistry([version]) });
const good = { summary: "Refund asked", sentiment: "negative", next_steps: ["Refund"] };

function failure(text: string): OutputValidationError {
  const result = renderer.parseOutput("test/template", text);
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  expect(OutputValidationError.isInstance(result.error)).toBe(true);
  return result.error;
}

describe("parseOutput", () => {
  it.each([
    ["bare JSON", JSON.stringify(good)],
    [
      "a ```json fence with prose around it",
      `Sure! Here it is:\n\`\`\`json\n${JSON.stringify(good, null, 2)}\n\`\`\`\nAnything else?`,
    ],
    ["an unlabelled fence", `\`\`\`\n${JSON.stringify(good)}\n\`\`\``],
    [
      "leading and trailing prose without a fence",
      `The answer is ${JSON.stringify(good)}. Hope {that} helps.`,
    ],
    ["a brace in prose before the JSON", `Using {curly} notes: ${JSON.stringify(good)}`],
  ])("extracts the value from %s", (_name, text) => {
    expect(renderer.parseOutput("test/template", text)).toEqual({ ok: true, value: good });
  });

  it("accepts a top-level array when the schema wants one", () => {
    const list = makeVersion({ messages: [{ role: "user", content: "x" }], output: z.array(z.number()) });
    expect(validateOutput(list, "Numbers: [1, 2, 3] as requested")).toEqual({ ok: true, value: [1, 2, 3] });
  });

  it("returns the trimmed text for templates without an output schema", () => {
    const plain = makeVersion({ messages: [{ role: "user", content: "x" }] });
    expect(validateOutput(plain, "  Hello there \n")).toEqual({ ok: true, value: "Hello there" });
  });

  it("accepts a plain-text reply when the output schema is a string", () => {
    const text = makeVersion({ messages: [{ role: "user", content: "x" }], output: z.string().min(1) });
    expect(validateOutput(text, " Bonjour \n")).toEqual({ ok: true, value: "Bonjour" });
  });

  it('says "no JSON found" when there is none', () => {
    const error = failure("I cannot help with that.");
    expect(error.kind).toBe("no_json");
    expect(error.code).toBe("output_invalid");
    expect(error.message).toContain("I cannot help");
    expect(failure("   ").kind).toBe("no_json");
  });

  it("says where JSON is invalid, as line and column in the reply", () => {
    const error = failure('Here:\n{"summary": "x",\n "sentiment": neutral}');
    expect(error.kind).toBe("invalid_json");
    expect(error.position).toEqual({ offset: 37, line: 3, column: 15 });
  });

  it("recognises truncated JSON", () => {
    const error = failure('{"summary": "cut off here');
    expect(error.kind).toBe("invalid_json");
    expect(error.message).toContain("not closed");
  });

  it("lists every failing path on a schema mismatch", () => {
    const error = failure(JSON.stringify({ summary: 3, sentiment: "furious", next_steps: [] }));
    expect(error.kind).toBe("schema_mismatch");
    expect(error.issues.map((issue) => issue.path)).toEqual([["summary"], ["sentiment"], ["next_steps"]]);
    expect(error.message).toContain("next_steps");
  });

  it("never throws, whatever the text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        const result = renderer.parseOutput("test/template", text);
        expect(typeof result.ok).toBe("boolean");
      }),
    );
  });

  it("returns any schema-valid value wrapped in fences or prose", () => {
    const value = fc.record({
      summary: fc.string(),
      sentiment: fc.constantFrom("positive", "neutral", "negative"),
      next_steps: fc.array(fc.string(), { minLength: 1, maxLength: 4 }),
    });
    const prose = fc.string({ maxLength: 40 }).map((text) => text.replace(/[{}[\]`"]/g, ""));
    const wrap = fc.constantFrom(
      (json: string, before: string, after: string) => `${before}\n\`\`\`json\n${json}\n\`\`\`\n${after}`,
      (json: string, before: string, after: string) => `${before} ${json} ${after}`,
      (json: string) => json,
    );
    fc.assert(
      fc.property(value, prose, prose, wrap, fc.boolean(), (generated, before, after, wrapper, pretty) => {
        const json = JSON.stringify(generated, null, pretty ? 2 : undefined);
        const result = renderer.parseOutput("test/template", wrapper(json, before, after));
        expect(result).toEqual({ ok: true, value: JSON.parse(JSON.stringify(generated)) });
      }),
    );
  });
});

describe("extractJson and positionOf", () => {
  it("finds the offset of the first JSON syntax error, agreeing with JSON.parse on what is valid", () => {
    expect(jsonErrorOffset('{"a": neutral}')).toBe(6);
    expect(jsonErrorOffset('{"a": 1,}')).toBe(8);
    expect(jsonErrorOffset('{"a": [1, 2')).toBe(11);
    // A raw tab inside a string is not allowed.
    expect(jsonErrorOffset('"tab\there"')).toBe(4);
    fc.assert(
      fc.property(fc.json(), fc.nat(), fc.string({ maxLength: 3 }), (json, cut, insert) => {
        const at = cut % (json.length + 1);
        const mangled = json.slice(0, at) + insert + json.slice(at);
        let valid = true;
        try {
          JSON.parse(mangled);
        } catch {
          valid = false;
        }
        if (valid) expect(jsonErrorOffset(mangled)).toBe(mangled.length);
        else expect(jsonErrorOffset(mangled)).toBeLessThanOrEqual(mangled.length);
      }),
    );
  });

  it("skips fences in other languages", () => {
    expect(extractJson('```python\nprint({"a": 1})\n```\n{"b": 2}')).toEqual({
      kind: "found",
      value: { b: 2 },
    });
  });

  it("maps offsets to 1-based lines and columns", () => {
    expect(positionOf("ab\ncd", 4)).toEqual({ offset: 4, line: 2, column: 2 });
    expect(positionOf("ab", 99)).toEqual({ offset: 2, line: 1, column: 3 });
  });
});

// Issue 7: model replies are untrusted. Whatever they hold, parseOutput answers with a result, never an exception,
// and its work is bounded by the documented budgets.
describe("parseOutput on hostile replies", () => {
  const KINDS = ["no_json", "invalid_json", "schema_mismatch", "over_budget"];

  function settled(text: string): ReturnType<typeof renderer.parseOutput> {
    const result = renderer.parseOutput("test/template", text);
    if (!result.ok) {
      expect(OutputValidationError.isInstance(result.error)).toBe(true);
      expect(KINDS).toContain(result.error.kind);
    }
    return result;
  }

  it.each([
    ["11 KB of unclosed brackets", "[".repeat(11_000)],
    ["11 KB of balanced nested brackets", `${"[".repeat(5_500)}${"]".repeat(5_500)}`],
    ["nested objects", `${'{"a":'.repeat(3_000)}1${"}".repeat(3_000)}`],
    ["brackets nested inside a fence", `\`\`\`json\n${"[".repeat(11_000)}\n\`\`\``],
  ])("answers %s with over_budget (json_depth) and a position, without throwing", (_name, text) => {
    const result = settled(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe("over_budget");
    expect(result.error.budget).toBe("json_depth");
    expect(result.error.limit).toBe(BUDGETS.maxJsonDepth);
    expect(result.error.position?.offset).toBeGreaterThan(0);
    expect(result.error.message).toContain(String(BUDGETS.maxJsonDepth));
  });

  it("finds the JSON after a stray `[0, 1)` in prose", () => {
    const text = `The score is in [0, 1) as asked.\n${JSON.stringify(good)}`;
    expect(renderer.parseOutput("test/template", text)).toEqual({ ok: true, value: good });
  });

  it("finds the JSON after an unbalanced quote and bracket in prose", () => {
    for (const prose of ['[1, "', '{"', "[[", "{ [0, 1) }", '["a", ']) {
      expect(renderer.parseOutput("test/template", `${prose} ${JSON.stringify(good)}`)).toEqual({
        ok: true,
        value: good,
      });
    }
  });

  it("prefers the value the schema accepts over JSON-looking prose before it", () => {
    for (const prose of ["The score is in [0, 1].", 'Context: {"note": 1}.', "Steps: [] then"]) {
      expect(renderer.parseOutput("test/template", `${prose} ${JSON.stringify(good)}`)).toEqual({
        ok: true,
        value: good,
      });
    }
    // When nothing fits, the first value that parsed is the one explained.
    const error = failure('First {"note": 1}, then [2].');
    expect(error.kind).toBe("schema_mismatch");
    expect(error.issues.map((issue) => issue.path[0])).toEqual(["summary", "sentiment", "next_steps"]);
  });

  it("refuses a reply longer than the reply budget with over_budget (reply_chars)", () => {
    const text = `${JSON.stringify(good)}${" ".repeat(BUDGETS.maxReplyChars)}`;
    const result = settled(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.kind).toBe("over_budget");
      expect(result.error.budget).toBe("reply_chars");
      expect(result.error.limit).toBe(BUDGETS.maxReplyChars);
    }
  });

  it("stops after the candidate budget and says so", () => {
    const text = `${"[1 2] ".repeat(BUDGETS.maxJsonCandidates + 5)}${JSON.stringify(good)}`;
    const result = settled(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.kind).toBe("over_budget");
      expect(result.error.budget).toBe("json_candidates");
      // The first malformed candidate is still pointed at.
      expect(result.error.position).toEqual({ offset: 3, line: 1, column: 4 });
    }
  });

  // Each of these was quadratic (or worse) before: a fence regex that backtracked over runs of spaces and tabs,
  // a bracket matcher restarted at every `[`, a recursive error locator. Work is counted, not timed.
  it.each([
    ["a fence opener followed by a long run of blanks", (n: number) => `\`\`\`${" \t".repeat(n / 2)}x`],
    ["many unclosed fences", (n: number) => "```x\n".repeat(n / 5)],
    ["many stray brackets", (n: number) => "[ ".repeat(n / 2)],
    ["brackets that open JSON-looking runs", (n: number) => "[1,".repeat(n / 3)],
    ["quotes that flip string state", (n: number) => '["{'.repeat(n / 3)],
    ["nested failing candidates", (n: number) => `${"[".repeat(200)}1 2${"]".repeat(200)} `.repeat(n / 406)],
  ])("does work linear in the reply for %s", (_name, make) => {
    for (const n of [BUDGETS.maxReplyChars / 64, BUDGETS.maxReplyChars / 4]) {
      const text = make(n);
      const meter = { read: 0 };
      const extracted = extractJson(text, { meter });
      expect(["no_json", "invalid_json", "over_budget"]).toContain(extracted.kind);
      expect(meter.read).toBeLessThanOrEqual(8 * text.length + 1024);
      expect(settled(text).ok).toBe(false);
    }
  });

  it("never throws on arbitrary text, bracket soup or deep nesting (property)", () => {
    const soup = fc
      .array(fc.constantFrom("[", "]", "{", "}", '"', "\\", ",", ":", "1", " ", "\n", "`", "a", "true"), {
        maxLength: 3_000,
      })
      .map((parts) => parts.join(""));
    const deep = fc
      .tuple(fc.integer({ min: 0, max: 4_000 }), fc.constantFrom("[", '{"k":', "[1,"), fc.boolean())
      .map(([depth, open, close]) => {
        const closer = open === "[" || open === "[1," ? "]" : "}";
        return `${open.repeat(depth)}0${close ? closer.repeat(depth) : ""}`;
      });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 2_000 }), soup, deep), (text) => {
        settled(text);
      }),
      { numRuns: 300 },
    );
  });

  it("finds a schema-valid value inside prose that holds stray brackets, parentheses and quotes (property)", () => {
    const value = fc.record({
      summary: fc.string({ maxLength: 30 }),
      sentiment: fc.constantFrom("positive", "neutral", "negative"),
      next_steps: fc.array(fc.string({ maxLength: 10 }), { minLength: 1, maxLength: 3 }),
    });
    const word = fc.constantFrom(
      "see",
      "the",
      "range",
      "[0, 1)",
      "(0, 1]",
      "{x}",
      "[see above]",
      '"quoted"',
      '"',
      "[",
      "{",
      "]",
      "}",
      "1,",
      "true",
      "it's",
      "`code`",
      "\n",
    );
    const prose = fc.array(word, { maxLength: 12 }).map((words) => words.join(" "));
    fc.assert(
      fc.property(value, prose, prose, (generated, before, after) => {
        const text = `${before} ${JSON.stringify(generated)} ${after}`;
        expect(renderer.parseOutput("test/template", text)).toEqual({ ok: true, value: generated });
      }),
      { numRuns: 300 },
    );
  });

  it("handles a reply at the service's body limit in bounded work", () => {
    // apps/server's default PROMPTREG_BODY_LIMIT_BYTES is 256 KiB; a reply of that size is well within budget.
    const bodyLimit = 256 * 1024;
    for (const text of ["[".repeat(bodyLimit), '["'.repeat(bodyLimit / 2), "{}".repeat(bodyLimit / 2)]) {
      const meter = { read: 0 };
      extractJson(text, { meter });
      expect(meter.read).toBeLessThanOrEqual(8 * text.length + 1024);
      settled(text);
    }
  });
});
