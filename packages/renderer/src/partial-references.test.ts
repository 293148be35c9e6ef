import { createMemoryStore, findPartialReferences, loadRegistry } from "@promptreg/registry";
import fc from "fast-check";
import Handlebars from "handlebars";
import { describe, expect, it } from "vitest";
import { lintRegistry } from "./lint.js";
import { createRenderer } from "./renderer.js";
import { usedPartials } from "./template-checks.js";

// The registry finds partial references without Handlebars (for its dependency graph, hashes and cycle checks);
// the renderer reads them from Handlebars' AST. The two must agree, or a template loads and then fails to compile
// (or is refused for a reference that is not one).

function templateFile(content: string): string {
  return [
    "id: demo/inline",
    "version: 1.0.0",
    "description: inline partials",
    "owners: [a@example.com]",
    "changelog: first",
    "model: { name: openai/gpt-4o-mini }",
    "input:",
    "  type: object",
    "  properties:",
    "    items: { type: array, items: { type: string } }",
    "messages:",
    "  - role: user",
    `    content: ${JSON.stringify(content)}`,
    "examples:",
    "  - name: two",
    "    input: { items: [a, b] }",
    "",
  ].join("\n");
}

describe("partial references the registry sees", () => {
  it("loads, lints and renders a template that defines and uses an inline partial (docs/renderer.md)", async () => {
    const content = '{{#*inline "row"}}- {{this}} {{> tone}}\n{{/inline}}{{#each items}}{{> row}}{{/each}}';
    const registry = await loadRegistry({
      store: createMemoryStore({
        "demo/inline/1.0.0.yaml": templateFile(content),
        "_partials/tone.hbs": "(kind)",
      }),
    });
    expect(lintRegistry(registry)).toEqual([]);
    expect(
      createRenderer({ registry }).render("demo/inline@1.0.0", { items: ["a", "b"] }).messages[0]!.content,
    ).toBe("- a (kind)\n- b (kind)\n");
  });

  it("loads a template whose only partial references sit in comments or escaped mustaches", async () => {
    // A short comment ends at its first `}}`, as in Handlebars: `{{! {{> not-a-partial}}` is the whole comment.
    const content =
      "{{! {{> not-a-partial}}{{!-- {{> nor-this}} --}}Write \\{{> literal}} as is.{{#each items}}{{this}}{{/each}}";
    const registry = await loadRegistry({
      store: createMemoryStore({ "demo/inline/1.0.0.yaml": templateFile(content) }),
    });
    expect(lintRegistry(registry)).toEqual([]);
    expect(
      createRenderer({ registry }).render("demo/inline@1.0.0", { items: ["x"] }).messages[0]!.content,
    ).toBe("Write {{> literal}} as is.x");
  });

  it("keeps content hashes to the partials really included: one named only in a comment does not change it", async () => {
    const content = "{{! see {{> tone}} }}{{> voice}}{{#each items}}{{this}}{{/each}}";
    const load = (tone: string) =>
      loadRegistry({
        store: createMemoryStore({
          "demo/inline/1.0.0.yaml": templateFile(content),
          "_partials/tone.hbs": tone,
          "_partials/voice.hbs": "Be brief.",
        }),
      });
    const [a, b, again] = await Promise.all([load("calm"), load("loud"), load("calm")]);
    expect(a.get("demo/inline", "1.0.0")!.hash).toBe(b.get("demo/inline", "1.0.0")!.hash);
    expect(a.get("demo/inline", "1.0.0")!.hash).toBe(again.get("demo/inline", "1.0.0")!.hash);
  });

  it("agrees with Handlebars' parser on every source it parses (property)", () => {
    const name = fc.constantFrom("a", "b", "support/tone", "row");
    const piece = fc.oneof(
      name.map((n) => `{{> ${n}}}`),
      name.map((n) => `{{~> "${n}" ~}}`),
      name.map((n) => `{{#> ${n}}}x{{/${n}}}`),
      name.map((n) => `{{#*inline "${n}"}}{{> b}}{{/inline}}`),
      name.map((n) => `{{! {{> ${n}}} }}`),
      name.map((n) => `{{!-- {{> ${n}}} --}}`),
      name.map((n) => `\\{{> ${n}}}`),
      name.map((n) => `\\\\{{> ${n}}}`),
      name.map((n) => `{{{{raw}}}}{{> ${n}}}{{{{/raw}}}}`),
      name.map((n) => `{{default x "}} {{> ${n}}}"}}`),
      fc.constantFrom("text ", "{{x}}", "{{#if x}}y{{/if}}", "\n", "}}", "{", "\\"),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const source = pieces.join("");
        let ast: hbs.AST.Program;
        try {
          ast = Handlebars.parse(source);
        } catch {
          return;
        }
        expect(findPartialReferences(source).sort()).toEqual(usedPartials(ast).sort());
      }),
      { numRuns: 400 },
    );
  });
});
