import { fileURLToPath } from "node:url";
import { loadRegistryFromDir, type Problem, type Registry } from "@promptreg/registry";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { fakeRegistry, makeVersion } from "../test/fake-registry.js";
import { lintRegistry, lintTemplate } from "./lint.js";

const TREE = fileURLToPath(new URL("./__fixtures__/support-tree", import.meta.url));

let registry: Registry;
beforeAll(async () => {
  registry = await loadRegistryFromDir(TREE);
});

const codes = (problems: Problem[]) => problems.map((problem) => problem.code).sort();

function lintOne(content: string, schema: z.ZodType, partials: Record<string, string> = {}): Problem[] {
  const version = makeVersion({ messages: [{ role: "user", content }], input: schema });
  return lintTemplate(version, new Map(Object.entries(partials)));
}

describe("lintRegistry on a real template tree", () => {
  it("finds nothing wrong in a clean template, including its partial and examples", () => {
    const problems = lintRegistry(registry).filter((problem) => problem.file.startsWith("support/triage"));
    expect(problems).toEqual([]);
  });

  it("reports undeclared variables in messages, #each, #with and partials, unused inputs and @index outside #each", () => {
    const problems = lintRegistry(registry).filter((problem) => problem.file.startsWith("support/sloppy"));
    const messages = problems.map((problem) => problem.message);
    expect(codes(problems)).toEqual([
      "data_variable_outside_each",
      // Its example then fails at render time on that same @index.
      "example_failed",
      "undeclared_variable",
      "undeclared_variable",
      "undeclared_variable",
      "undeclared_variable",
      "undeclared_variable",
      "unused_input",
    ]);
    expect(problems.every((problem) => problem.file === "support/sloppy/1.0.0.yaml")).toBe(true);
    expect(messages.find((m) => m.includes('"tiket"'))).toContain('Did you mean "ticket"?');
    expect(messages.find((m) => m.includes('"lable"'))).toContain('Did you mean "label"?');
    expect(messages.find((m) => m.includes('"nmae"'))).toContain('Did you mean "name"?');
    // The partial reads customer.company, which this template's schema does not declare.
    expect(messages.find((m) => m.includes("customer.company"))).toContain('partial "support/greeting"');
    expect(problems.find((p) => p.code === "unused_input")).toMatchObject({ severity: "warning" });
    expect(problems.find((p) => p.code === "unused_input")!.message).toContain('"never_used"');
    expect(problems.filter((p) => p.severity === "error")).toHaveLength(7);
  });
});

describe("lintTemplate", () => {
  const schema = z.object({
    name: z.string(),
    tags: z.array(z.string()),
    order: z.object({ id: z.string(), lines: z.array(z.object({ sku: z.string(), qty: z.number() })) }),
    extra: z.looseObject({ known: z.string() }),
  });

  it("accepts block params, this, ../, @root, @index, helpers and nested paths that the schema declares", () => {
    const content = [
      "{{name}} {{join tags}} {{length tags}} {{tags.length}} {{json extra}} {{extra.anything.goes}}",
      "{{#each order.lines as |line i|}}{{add i 1}} {{line.sku}} x{{line.qty}} of {{../order.id}} {{@root.name}} {{@first}}{{/each}}",
      "{{#each tags}}{{this}} {{@index}}{{/each}}",
      "{{#with order}}{{id}}{{#each lines}}{{sku}}{{/each}}{{/with}}",
      "{{#if (eq name 'x')}}{{upper (default name 'y')}}{{/if}}",
    ].join("\n");
    expect(lintOne(content, schema)).toEqual([]);
  });

  it("reports reading a property of a scalar and an unknown data variable", () => {
    const problems = lintOne("{{name.first}} {{@foo}}", schema);
    expect(codes(problems)).toEqual([
      "undeclared_variable",
      "undeclared_variable",
      "unused_input",
      "unused_input",
      "unused_input",
    ]);
    expect(problems[0]!.message).toContain("cannot be read from a string");
  });

  it("reports unknown helpers, wrong arity, missing partials and forbidden properties as errors", () => {
    const problems = lintOne(
      "{{shout name}} {{truncate name}} {{> nope}} {{constructor}}",
      z.object({ name: z.string() }),
    );
    expect(codes(problems)).toEqual([
      "forbidden_property",
      "helper_arity",
      "missing_partial",
      "unknown_helper",
    ]);
    expect(problems.every((problem) => problem.severity === "error")).toBe(true);
  });

  it("does not report custom helpers it is told about", () => {
    const version = makeVersion({
      messages: [{ role: "user", content: "{{shout name}}" }],
      input: z.object({ name: z.string() }),
    });
    expect(lintTemplate(version, new Map(), { helpers: ["shout"] })).toEqual([]);
  });

  it("reports syntax errors and partial cycles without crashing", () => {
    expect(codes(lintOne("{{#if name}}", z.object({ name: z.string() })))).toEqual(["template_syntax"]);
    const cycle = lintOne("{{name}}{{> a}}", z.object({ name: z.string() }), { a: "{{> b}}", b: "{{> a}}" });
    expect(codes(cycle)).toEqual(["partial_cycle"]);
  });

  it("walks partials with a context argument and hash arguments in the right scope", () => {
    const problems = lintOne("{{> line order.lines.[0] label=name}}{{json tags}}{{json extra}}", schema, {
      line: "{{sku}} {{qty}} {{label}} {{missing}}",
    });
    expect(codes(problems)).toEqual(["undeclared_variable"]);
    expect(problems[0]!.message).toContain('"missing"');
  });

  it("reports examples that fail to render", () => {
    const version = makeVersion({
      messages: [{ role: "user", content: "{{name}}" }],
      input: z.object({ name: z.string().optional() }),
    });
    version.examples.push({ name: "empty", input: {} });
    const problems = lintRegistry(fakeRegistry([version]));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: "example_failed", severity: "error" });
    expect(problems[0]!.message).toContain('example "empty"');
  });
});
