import { thrownBy } from "@promptreg/test-kit";
import { describe, expect, it } from "vitest";
import { createBundle, loadRegistryFromBundle } from "./bundle.js";
import { BundleError } from "./errors/bundle-error.js";
import { LIMITS } from "./limits.js";
import { checkRegistry } from "./load.js";
import { createMemoryStore } from "./store.js";
import type { Problem } from "./types.js";

const HEAD = [
  "id: demo/deep",
  "version: 1.0.0",
  "description: Deep values.",
  "owners: [dx@acme.example]",
  "changelog: Initial.",
  "model: { name: openai/gpt-4o-mini }",
  'prompt: "Hi"',
].join("\n");

async function problemsOf(text: string): Promise<Problem[]> {
  const { registry, problems } = await checkRegistry({
    store: createMemoryStore({ "demo/deep/1.0.0.yaml": text }),
  });
  expect(registry).toBeUndefined();
  return problems;
}

/** `[[[...]]]` with `depth` sequences; the outermost is at depth 2 as the value of a top-level key. */
const nestedFlow = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

describe("LIMITS.maxNestingDepth", () => {
  it("accepts a file exactly at the limit and refuses one level more, at the collection too deep", async () => {
    const atLimit = `${HEAD}\ninput: { type: object, properties: {} }\nx-data: ${nestedFlow(LIMITS.maxNestingDepth - 1)}\n`;
    // The value is not a known key, so the only problem is unknown_key: the depth itself is fine.
    expect((await problemsOf(atLimit)).map((p) => p.code)).toEqual(["unknown_key"]);
    const over = `${HEAD}\ninput: { type: object, properties: {} }\nx-data: ${nestedFlow(LIMITS.maxNestingDepth)}\n`;
    const problems = await problemsOf(over);
    expect(problems.map((p) => `${p.line}:${p.column} ${p.code}`)).toEqual([
      `9:${9 + LIMITS.maxNestingDepth - 1} nesting_too_deep`,
    ]);
    expect(problems[0]!.message).toContain(String(LIMITS.maxNestingDepth));
  });

  it("reports nesting far beyond the stack's reach the same way, without a stack overflow message", async () => {
    for (const text of [
      `${HEAD}\ninput: { type: object, properties: {} }\nx-data: ${nestedFlow(100_000)}\n`,
      `${HEAD}\ninput: ${"{a: ".repeat(50_000)}1${"}".repeat(50_000)}\n`,
      // Compact block sequences nest without indentation: yaml would recurse once per "- ".
      `${HEAD}\ninput: { type: object, properties: {} }\nx-data:\n  ${"- ".repeat(100_000)}1\n`,
    ]) {
      const problems = await problemsOf(text);
      expect(problems.map((p) => p.code)).toEqual(["nesting_too_deep"]);
      expect(problems[0]!.message).not.toMatch(/call stack/i);
      expect(problems[0]!.line).toBeGreaterThan(1);
    }
  });

  it("applies to templates inside a bundle, whose values never went through YAML", async () => {
    const { registry } = await checkRegistry({
      store: createMemoryStore({
        "demo/deep/1.0.0.yaml": `${HEAD}\ninput: { type: object, properties: { a: { type: array } } }\n`,
      }),
    });
    const bundle = createBundle(registry!);
    let deep: unknown = [];
    for (let level = 0; level < 100_000; level++) deep = [deep];
    bundle.templates[0]!.examples = [{ name: "deep", input: { a: deep } }];
    const thrown = thrownBy(() => loadRegistryFromBundle(bundle));
    expect(BundleError.isInstance(thrown), String(thrown)).toBe(true);
    expect((thrown as BundleError).problems.map((p) => p.code)).toEqual(["nesting_too_deep"]);
  });
});

describe("LIMITS.maxProblemsPerFile", () => {
  it("reports that many problems of a file and one more that counts the rest", async () => {
    const unknown = Array.from({ length: 250 }, (_, i) => `x-${i}: 1`).join("\n");
    const problems = await problemsOf(`${HEAD}\ninput: { type: object, properties: {} }\n${unknown}\n`);
    expect(problems).toHaveLength(LIMITS.maxProblemsPerFile + 1);
    const last = problems.find((p) => p.code === "too_many_problems")!;
    expect(last.message).toContain(`${250 - LIMITS.maxProblemsPerFile} more`);
    expect(problems.filter((p) => p.code === "unknown_key")).toHaveLength(LIMITS.maxProblemsPerFile);
  });
});
