// Run in a child process by catastrophic-pattern.test.ts, so a backtracking regex engine that hangs can be killed.
// Loads a tree whose schema pattern backtracks catastrophically (with an example that triggers it), then validates
// long inputs against the compiled schema, and prints what happened as JSON.
import { checkRegistry, compileSchema, createMemoryStore, normalizeSchema } from "../../src/index.js";

const template = [
  "id: demo/redos",
  "version: 1.0.0",
  "description: A schema pattern that backtracks catastrophically.",
  "owners: [dx@acme.example]",
  "changelog: Initial.",
  "model: { name: openai/gpt-4o-mini }",
  "input:",
  "  type: object",
  "  properties:",
  '    code: { type: string, pattern: "^(a+)+$" }',
  "  required: [code]",
  'prompt: "Code {{code}}"',
  "examples:",
  `  - { name: evil, input: { code: "${"a".repeat(42)}!" } }`,
].join("\n");

const { problems } = await checkRegistry({ store: createMemoryStore({ "demo/redos/1.0.0.yaml": template }) });
const { schema } = normalizeSchema({ type: "string", pattern: "^(a+)+$" }, { root: "output" });
const compiled = compileSchema(schema);
const verdicts = [`${"a".repeat(42)}!`, `${"a".repeat(100_000)}!`, "a".repeat(100_000)].map(
  (value) => compiled.safeParse(value).success,
);
process.stdout.write(
  JSON.stringify({ problems: problems.map((p) => `${p.line}:${p.column} ${p.code}`), verdicts }),
);
