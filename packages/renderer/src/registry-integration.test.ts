import { fileURLToPath } from "node:url";
import { loadRegistryFromDir, type Registry, TemplateNotFoundError } from "@promptreg/registry";
import { thrownBy } from "@promptreg/test-kit";
import { beforeAll, describe, expect, it } from "vitest";
import { InputValidationError } from "./errors/input-validation-error.js";
import { createRenderer, type Renderer } from "./renderer.js";

// The renderer over a real registry loaded from a fixture tree: labels, ranges, partials, defaults.
const TREE = fileURLToPath(new URL("./__fixtures__/support-tree", import.meta.url));

let registry: Registry;
let renderer: Renderer;
beforeAll(async () => {
  registry = await loadRegistryFromDir(TREE);
  renderer = createRenderer({ registry });
});

const input = {
  ticket: "I was charged twice.",
  customer: { name: "Ann", company: "Acme" },
  history: [
    { author: "ann", text: "Charged twice on March 3rd." },
    { author: "bob", text: "x".repeat(100) },
  ],
};

describe("renderer over a loaded registry", () => {
  it("renders by label, range and exact version alike, with partials and schema defaults", () => {
    const byLabel = renderer.render("support/triage@production", input);
    const byRange = renderer.render("support/triage@^1", input);
    const exact = renderer.render("support/triage@1.0.0", input);
    expect(byLabel).toEqual(exact);
    expect(byRange).toEqual(exact);
    expect(exact.ref).toEqual({
      id: "support/triage",
      version: "1.0.0",
      hash: registry.get("support/triage", "1.0.0")!.hash,
    });
    expect(exact.messages[0]).toEqual({
      role: "system",
      content: "You triage tickets for the FREE tier. Hello Ann from Acme.\n",
    });
    expect(exact.messages[1]!.content).toBe(
      `I was charged twice.\n1. ann: Charged twice on March 3rd.\n2. bob: ${"x".repeat(79)}…\n`,
    );
    expect(exact.model).toBe("openai/gpt-4o-mini");
    expect(exact.fallbacks).toEqual(["anthropic/claude-3-5-haiku"]);
    expect(exact.outputSchema).toMatchObject({ type: "object" });
  });

  it("validates input with the schema compiled by the registry, unknown keys included", () => {
    const caught = thrownBy(() =>
      renderer.render("support/triage", { ticket: "", customer: {}, surprise: 1 }),
    );
    expect(InputValidationError.isInstance(caught)).toBe(true);
    const paths = (caught as InputValidationError).issues.map((issue) => issue.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["ticket", "customer.name"]));
    expect((caught as InputValidationError).issues.map((issue) => issue.code)).toContain("unrecognized_keys");
  });

  it("passes the registry's TemplateNotFoundError through", () => {
    expect(() => renderer.render("support/triage@9.9.9", input)).toThrow(TemplateNotFoundError);
  });

  it("parses output against the registry's compiled output schema", () => {
    expect(
      renderer.parseOutput("support/triage@production", '```json\n{"queue":"billing","evidence":[1]}\n```'),
    ).toEqual({
      ok: true,
      value: { queue: "billing", evidence: [1] },
    });
    const result = renderer.parseOutput("support/triage", '{"queue":"sales","evidence":["a"]}');
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error.issues.map((issue) => issue.path)).toEqual([["queue"], ["evidence", 0]]);
  });
});
