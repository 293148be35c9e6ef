import { describe, expect, it } from "vitest";
import { createBundle, loadRegistryFromBundle } from "./bundle.js";
import { checkRegistry } from "./load.js";
import { PROBLEM_CODES } from "./problem-codes.js";
import { createMemoryStore } from "./store.js";

const header = [
  "id: demo/map", // 1
  "version: 1.0.0", // 2
  "description: Positions.", // 3
  "owners: [dx@acme.example]", // 4
  "status: published", // 5
  "changelog: Initial.", // 6
  "model: { name: openai/gpt-4o-mini }", // 7
  "input:", // 8
  "  type: object", // 9
  "  properties:", // 10
  "    name: { type: string }", // 11
  "    note?: string", // 12
];

describe("TemplateVersion.sourceMap", () => {
  it("records message text starts (block literals line for line), input property keys and examples", async () => {
    const text = [
      ...header,
      "messages:", // 13
      "  - role: system", // 14
      "    content: |", // 15
      "", // 16 (a leading blank line belongs to the text)
      "      Line two {{name}}", // 17
      "  - role: user", // 18
      '    content: "{{note}}"', // 19
      "examples:", // 20
      "  - name: first", // 21
      "    input: { name: Ada }", // 22
      "  - input: { name: Bob }", // 23
      "    name: second", // 24
    ].join("\n");
    const { registry, problems } = await checkRegistry({
      store: createMemoryStore({ "demo/map/1.0.0.yaml": text }),
    });
    expect(problems).toEqual([]);
    const version = registry!.resolve("demo/map@1.0.0");
    expect(version.sourceMap).toEqual({
      messages: [
        { line: 16, column: 7, verbatim: true },
        { line: 19, column: 15, verbatim: true },
      ],
      inputProperties: { name: { line: 11, column: 5 }, note: { line: 12, column: 5 } },
      examples: [
        { line: 21, column: 5 },
        { line: 23, column: 5 },
      ],
    });
  });

  it("marks escaped, folded and multi-line flow scalars as not verbatim (their start only)", async () => {
    const contents = [
      '"say \\"{{name}}\\" {{note}}"',
      ">\n      {{name}}\n      {{note}}",
      "'{{name}}\n      {{note}}'",
    ];
    for (const content of contents) {
      const text = [...header, "messages:", "  - role: user", `    content: ${content}`].join("\n");
      const { registry, problems } = await checkRegistry({
        store: createMemoryStore({ "demo/map/1.0.0.yaml": text }),
      });
      expect(problems).toEqual([]);
      expect(registry!.resolve("demo/map").sourceMap?.messages).toEqual([
        { line: 15, column: 14, verbatim: false },
      ]);
    }
  });

  it("maps a prompt: file's single message to the prompt value", async () => {
    const text = [...header, "prompt: |-", "  Hi {{name}} {{note}}"].join("\n");
    const { registry } = await checkRegistry({ store: createMemoryStore({ "demo/map/1.0.0.yaml": text }) });
    expect(registry!.resolve("demo/map").sourceMap?.messages).toEqual([
      { line: 14, column: 3, verbatim: true },
    ]);
  });

  it("is absent for versions rebuilt from a bundle, and not part of the content hash", async () => {
    const text = [...header, 'prompt: "{{name}} {{note}}"'].join("\n");
    const { registry } = await checkRegistry({ store: createMemoryStore({ "demo/map/1.0.0.yaml": text }) });
    const bundle = JSON.parse(JSON.stringify(createBundle(registry!)));
    expect(JSON.stringify(bundle)).not.toContain("sourceMap");
    const fromBundle = loadRegistryFromBundle(bundle).resolve("demo/map@1.0.0");
    expect(fromBundle.sourceMap).toBeUndefined();
    expect(fromBundle.hash).toBe(registry!.resolve("demo/map@1.0.0").hash);
  });
});

describe("duplicate example names", () => {
  it("are an error at the repeated name, naming the first one's line", async () => {
    const text = [
      ...header,
      'prompt: "{{name}} {{note}}"', // 13
      "examples:", // 14
      "  - name: same", // 15
      "    input: { name: Ada }", // 16
      "  - name: other", // 17
      "    input: { name: Bob }", // 18
      "  - name: same", // 19
      "    input: { name: Cy }", // 20
    ].join("\n");
    const { registry, problems } = await checkRegistry({
      store: createMemoryStore({ "demo/map/1.0.0.yaml": text }),
    });
    expect(registry).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      file: "demo/map/1.0.0.yaml",
      line: 19,
      column: 11,
      code: PROBLEM_CODES.DUPLICATE_EXAMPLE_NAME,
      severity: "error",
    });
    expect(problems[0]!.message).toContain("examples[0], line 15");
  });
});
