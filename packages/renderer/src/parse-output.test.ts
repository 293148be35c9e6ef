import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fakeRegistry, makeVersion } from "../test/fake-registry.js";
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
