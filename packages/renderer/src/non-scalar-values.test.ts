import { thrownBy } from "@promptreg/test-kit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fakeRegistry, makeVersion } from "../test/fake-registry.js";
import { NonScalarValueError } from "./errors/non-scalar-value-error.js";
import { lintTemplate } from "./lint.js";
import { createRenderer } from "./renderer.js";

// A value printed into text must be a scalar: an object or an array in a text position used to render as
// "[object Object]" (or "a,b") with a clean lint. The linter refuses it when the schema says so; the render refuses
// it whatever the schema, with the position of the mustache.

const schema = z.object({
  customer: z.object({ name: z.string(), tier: z.string() }),
  tags: z.array(z.string()),
  orders: z.array(z.object({ id: z.string() })),
  note: z.string(),
  anything: z.unknown(),
});

function lintCodes(content: string, partials: Record<string, string> = {}) {
  const version = makeVersion({ messages: [{ role: "user", content }], input: schema });
  return lintTemplate(version, new Map(Object.entries(partials))).filter(
    (problem) => problem.code !== "unused_input",
  );
}

function render(
  content: string,
  input: unknown,
  options: {
    partials?: Record<string, string>;
    helpers?: Record<string, (...args: unknown[]) => unknown>;
  } = {},
) {
  const version = makeVersion({ messages: [{ role: "user", content }], input: z.looseObject({}) });
  const renderer = createRenderer({
    registry: fakeRegistry([version], options.partials ?? {}),
    ...(options.helpers ? { helpers: options.helpers } : {}),
  });
  return renderer.render("test/template", input).messages[0]!.content;
}

describe("lint: a non-scalar in a text position", () => {
  it.each([
    ["an object", "Hi {{customer}}", "customer", "an object"],
    ["an array", "Tags: {{tags}}", "tags", "an array"],
    ["an #each item that is an object", "{{#each orders}}{{this}}{{/each}}", "this", "an object"],
    ["a block parameter", "{{#each orders as |order|}}{{order}}{{/each}}", "order", "an object"],
    ["#with's context", "{{#with customer}}{{.}}{{/with}}", ".", "an object"],
    ["@root", "{{@root.customer}}", "@root.customer", "an object"],
  ])("reports %s as non_scalar_value at the mustache", (_, content, path, kind) => {
    const problems = lintCodes(content);
    expect(problems.map((problem) => problem.code)).toEqual(["non_scalar_value"]);
    expect(problems[0]!.severity).toBe("error");
    expect(problems[0]!.message).toContain(`"${path}" is ${kind}`);
    expect(problems[0]!.message).toContain("column");
    expect(problems[0]!.message).toContain("{{json");
  });

  it("reports it inside a partial, naming the partial", () => {
    const problems = lintCodes("{{> card}}", { card: "Customer:\n{{customer}}" });
    expect(problems.map((problem) => problem.code)).toEqual(["non_scalar_value"]);
    expect(problems[0]!.message).toContain('partial "card" line 2, column 1');
  });

  it("accepts scalars, helpers over non-scalars, iteration and values the schema leaves open", () => {
    const content = [
      "{{customer.name}} {{json customer}} {{join tags}} {{length orders}} {{tags.length}}",
      "{{#each tags}}{{this}}{{/each}}{{#each orders}}{{id}}{{/each}}{{#with customer}}{{tier}}{{/with}}",
      "{{note}} {{anything}} {{#if customer}}yes{{/if}}",
    ].join("\n");
    expect(lintCodes(content)).toEqual([]);
  });
});

describe("render: a non-scalar in a text position", () => {
  it("throws NonScalarValueError with the path, kind and position instead of printing [object Object]", () => {
    const error = thrownBy(() => render("Hello\n  {{customer}}!", { customer: { name: "Ann" } }));
    expect(NonScalarValueError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: "non_scalar_value",
      templateId: "test/template",
      messageIndex: 0,
      expression: "customer",
      kind: "object",
      line: 2,
      column: 3,
    });
    expect((error as Error).message).toContain("messages[0] line 2, column 3");
    expect((error as Error).message).not.toContain("[object Object]");
  });

  it("refuses arrays, a message that is only the value, and values inside partials (with the partial's position)", () => {
    expect(thrownBy(() => render("{{tags}}", { tags: ["a", "b"] }))).toMatchObject({
      code: "non_scalar_value",
      kind: "array",
      line: 1,
      column: 1,
    });
    const inPartial = thrownBy(() =>
      render("x {{> card}}", { customer: { name: "Ann" } }, { partials: { card: "\n\n  {{customer}}" } }),
    );
    expect(inPartial).toMatchObject({ code: "non_scalar_value", partial: "card", line: 3, column: 3 });
  });

  it("refuses a plain object a helper returns, and lets strings, numbers, booleans and null through", () => {
    const error = thrownBy(() => render("{{make}}", {}, { helpers: { make: () => ({ a: 1 }) } }));
    expect(error).toMatchObject({ code: "non_scalar_value", expression: "make", kind: "object" });
    expect(render("{{a}} {{b}} {{c}} [{{d}}]", { a: "s", b: 1.5, c: false, d: null })).toBe("s 1.5 false []");
  });

  it("for any JSON value, renders a scalar as text and refuses an object or array", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 2 }), (value) => {
        if (value !== null && typeof value === "object") {
          const error = thrownBy(() => render("v={{value}}", { value }));
          expect(NonScalarValueError.isInstance(error)).toBe(true);
          expect((error as NonScalarValueError).kind).toBe(Array.isArray(value) ? "array" : "object");
        } else {
          expect(render("v={{value}}", { value })).toBe(`v=${value === null ? "" : String(value)}`);
        }
      }),
      { numRuns: 100 },
    );
  });
});
