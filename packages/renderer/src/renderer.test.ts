import { thrownBy } from "@promptreg/test-kit";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { FakeNotFoundError, fakeRegistry, makeVersion } from "../test/fake-registry.js";
import { InputValidationError } from "./errors/input-validation-error.js";
import { MissingVariableError } from "./errors/missing-variable-error.js";
import { RenderError } from "./errors/render-error.js";
import { TemplateCompileError } from "./errors/template-compile-error.js";
import { UnknownHelperError } from "./errors/unknown-helper-error.js";
import { createRenderer } from "./renderer.js";

/** Renders one user message with the given content and input schema. */
function renderOne(
  content: string,
  input: unknown,
  schema: z.ZodType = z.object({}).passthrough(),
  partials: Record<string, string> = {},
): string {
  const version = makeVersion({ messages: [{ role: "user", content }], input: schema, partials });
  const renderer = createRenderer({ registry: fakeRegistry([version], partials) });
  return renderer.render("test/template", input).messages[0]!.content;
}

const ticketSchema = z.object({
  ticket: z.string().min(1),
  tier: z.enum(["free", "pro", "enterprise"]).default("free"),
  customer: z.object({ name: z.string(), company: z.string().optional() }).optional(),
  notes: z.array(z.object({ author: z.string(), text: z.string() })).default([]),
});

describe("render", () => {
  const version = makeVersion({
    id: "support/summarize",
    version: "1.2.0",
    messages: [
      { role: "system", content: "You are a support lead. Tier: {{tier}}." },
      {
        role: "user",
        content: "{{ticket}}\n{{#each notes}}{{add @index 1}}. {{author}}: {{text}}\n{{/each}}",
      },
    ],
    input: ticketSchema,
    output: z.object({ summary: z.string() }),
  });
  const registry = fakeRegistry([version]);

  it("renders every message with its template role, and returns model settings and the exact ref", () => {
    const renderer = createRenderer({ registry });
    const result = renderer.render("support/summarize@1.2.0", {
      ticket: "Printer on fire",
      notes: [
        { author: "ann", text: "called" },
        { author: "bob", text: "escalated" },
      ],
    });
    expect(result.messages).toEqual([
      { role: "system", content: "You are a support lead. Tier: free." },
      { role: "user", content: "Printer on fire\n1. ann: called\n2. bob: escalated\n" },
    ]);
    expect(result.ref).toEqual({ id: "support/summarize", version: "1.2.0", hash: version.hash });
    expect(result.model).toBe("openai/gpt-4o-mini");
    expect(result.params).toEqual({ temperature: 0 });
    expect(result.fallbacks).toEqual(["anthropic/claude-3-5-haiku"]);
    expect(result.outputSchema).toMatchObject({ type: "object", required: ["summary"] });
  });

  it("lists every failing input path in one InputValidationError", () => {
    const renderer = createRenderer({ registry });
    const error = thrownBy(() =>
      renderer.render("support/summarize", { ticket: "", tier: "gold", notes: [{ author: 3, text: "x" }] }),
    );
    expect(InputValidationError.isInstance(error)).toBe(true);
    const issues = (error as InputValidationError).issues;
    expect(issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining([["ticket"], ["tier"], ["notes", 0, "author"]]),
    );
    expect(issues).toHaveLength(3);
    expect(issues.every((issue) => issue.message.length > 0 && issue.code.length > 0)).toBe(true);
    expect((error as InputValidationError).code).toBe("input_invalid");
    expect((error as Error).message).toContain("notes[0].author");
  });

  it("rejects an input that is not an object with an issue at the root path", () => {
    const renderer = createRenderer({ registry });
    const error = thrownBy(() => renderer.render("support/summarize", "just text"));
    expect((error as InputValidationError).issues[0]!.path).toEqual([]);
  });

  it("lets the registry's not-found error through untouched", () => {
    const renderer = createRenderer({ registry });
    expect(() => renderer.render("nope/missing", {})).toThrow(FakeNotFoundError);
  });

  it("prints input text verbatim: no HTML escaping, no template interpretation", () => {
    const text = `<b>&amp;</b> "quoted" 'single' {{ticket}} \`tick\``;
    expect(renderOne("{{value}}", { value: text })).toBe(text);
  });
});

describe("strict variables", () => {
  const schema = z.object({
    name: z.string().optional(),
    customer: z.object({ name: z.string(), tier: z.string().optional() }).optional(),
    items: z.array(z.object({ label: z.string(), note: z.string().optional() })).optional(),
  });

  it("throws MissingVariableError for an optional value printed without a guard", () => {
    const error = thrownBy(() => renderOne("Hello\n  {{name}}!", {}, schema));
    expect(MissingVariableError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      templateId: "test/template",
      version: "1.0.0",
      messageIndex: 0,
      variable: "name",
      line: 2,
      column: 5,
      code: "missing_variable",
    });
    expect((error as Error).message).toContain("{{#if name}}");
  });

  it("names the first absent segment of a dotted path", () => {
    const error = thrownBy(() => renderOne("{{customer.name}}", {}, schema));
    expect((error as MissingVariableError).variable).toBe("customer");
    const inner = thrownBy(() => renderOne("{{customer.tier}}", { customer: { name: "A" } }, schema));
    expect((inner as MissingVariableError).variable).toBe("customer.tier");
  });

  it("renders absent optional values as empty only inside #if, #unless, #with or default", () => {
    expect(renderOne("[{{#if name}}{{name}}{{/if}}]", {}, schema)).toBe("[]");
    expect(renderOne("[{{#unless name}}anonymous{{/unless}}]", {}, schema)).toBe("[anonymous]");
    expect(renderOne("[{{#with customer}}{{name}}{{else}}none{{/with}}]", {}, schema)).toBe("[none]");
    expect(renderOne('[{{default name "friend"}}]', {}, schema)).toBe("[friend]");
    // An absent intermediate segment inside a guard is falsy, not a crash.
    expect(renderOne("[{{#if customer.tier}}{{customer.tier}}{{/if}}]", {}, schema)).toBe("[]");
    expect(renderOne("[{{#each items}}x{{/each}}]", {}, schema)).toBe("[]");
  });

  it("checks variables inside #each, including block parameters and @data", () => {
    const input = { items: [{ label: "a" }] };
    const error = thrownBy(() => renderOne("{{#each items}}{{note}}{{/each}}", input, schema));
    expect((error as MissingVariableError).variable).toBe("note");
    const blockParam = thrownBy(() =>
      renderOne("{{#each items as |item|}}{{item.note}}{{/each}}", input, schema),
    );
    expect((blockParam as MissingVariableError).variable).toBe("note");
    expect(renderOne("{{#each items as |item i|}}{{i}}={{item.label}}{{/each}}", input, schema)).toBe("0=a");
    const data = thrownBy(() => renderOne("{{@index}}", {}, schema));
    expect((data as MissingVariableError).variable).toBe("@index");
  });

  it("treats an undefined helper argument as missing, naming the variable", () => {
    const error = thrownBy(() => renderOne("Hi {{upper name}}", {}, schema));
    expect(error).toMatchObject({ variable: "name", line: 1, column: 12 });
    expect((error as Error).message).toContain('helper "upper"');
    expect(renderOne('{{upper (default name "x")}}', {}, schema)).toBe("X");
  });

  it("reads own properties only: prototype members are never reachable", () => {
    class WithSecret {
      visible = "yes";
      get secret(): string {
        return "prototype getter";
      }
    }
    const anySchema = z.object({ obj: z.custom<WithSecret>(() => true) });
    expect(renderOne("{{obj.visible}}", { obj: new WithSecret() }, anySchema)).toBe("yes");
    const error = thrownBy(() => renderOne("{{obj.secret}}", { obj: new WithSecret() }, anySchema));
    expect((error as MissingVariableError).variable).toBe("obj.secret");
    expect(renderOne('[{{lookup obj "secret"}}]', { obj: new WithSecret() }, anySchema)).toBe("[]");
  });

  it.each([
    "{{constructor}}",
    "{{__proto__}}",
    "{{name.constructor.constructor}}",
    "{{#if toString}}x{{/if}}",
  ])("refuses to compile %s", (content) => {
    const error = thrownBy(() => renderOne(content, {}, schema));
    expect(TemplateCompileError.isInstance(error)).toBe(true);
    expect((error as TemplateCompileError).reason).toBe("forbidden_property");
  });
});

describe("compilation", () => {
  it("reports an unknown helper when compiling, before the input is even looked at", () => {
    const version = makeVersion({ messages: [{ role: "user", content: "a\n {{uppper name}}" }] });
    const renderer = createRenderer({ registry: fakeRegistry([version]) });
    const error = thrownBy(() => renderer.render("test/template", "not even an object"));
    expect(UnknownHelperError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ helper: "uppper", line: 2, column: 2, messageIndex: 0 });
    expect((error as Error).message).toContain('Did you mean "upper"?');
  });

  it("reports syntax errors with their position", () => {
    const unclosed = makeVersion({ messages: [{ role: "user", content: "{{#if a}}\nyes" }] });
    const error = thrownBy(() =>
      createRenderer({ registry: fakeRegistry([unclosed]) }).render("test/template", {}),
    );
    expect(TemplateCompileError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: "syntax", line: 2 });
    const mismatched = makeVersion({ messages: [{ role: "user", content: "ok\n{{#if a}}x{{/each}}" }] });
    const error2 = thrownBy(() =>
      createRenderer({ registry: fakeRegistry([mismatched]) }).render("test/template", {}),
    );
    expect(error2).toMatchObject({ reason: "syntax", line: 2, column: 4 });
    expect((error2 as Error).message).toContain("if doesn't match each");
  });

  it("checks helper arity and hints at this.x when a field shares a helper's name", () => {
    const error = thrownBy(() => renderOne("{{length}}", { length: 3 }));
    expect(error).toMatchObject({ reason: "helper_arity" });
    expect((error as Error).message).toContain("{{this.length}}");
    expect(renderOne("{{this.length}}", { length: 3 })).toBe("3");
  });

  it("compiles each version once: hot renders never parse or compile again", () => {
    const version = makeVersion({
      messages: [
        { role: "system", content: "S {{> greet}}" },
        { role: "user", content: "U {{name}}" },
      ],
      input: z.object({ name: z.string() }),
      partials: { greet: "hello {{name}}" },
    });
    const renderer = createRenderer({ registry: fakeRegistry([version], { greet: "hello {{name}}" }) });
    renderer.render("test/template", { name: "a" });
    const afterFirst = renderer.stats();
    // One template for both messages, one for the partial.
    expect(afterFirst.compilations).toBe(2);
    for (let i = 0; i < 50; i++) {
      expect(renderer.render("test/template", { name: `n${i}` }).messages[1]!.content).toBe(`U n${i}`);
    }
    expect(renderer.stats()).toMatchObject({
      compilations: 2,
      cacheMisses: 1,
      cacheHits: 50,
      cachedVersions: 1,
    });
  });

  it("keys the cache by version hash and evicts least recently used versions", () => {
    const a = makeVersion({ id: "t/a", messages: [{ role: "user", content: "A" }] });
    const b = makeVersion({ id: "t/b", messages: [{ role: "user", content: "B" }] });
    const renderer = createRenderer({ registry: fakeRegistry([a, b]), cacheSize: 1 });
    renderer.render("t/a", {});
    renderer.render("t/b", {});
    renderer.render("t/a", {});
    expect(renderer.stats()).toMatchObject({ compilations: 3, cachedVersions: 1 });
  });

  it("remembers a compile error instead of recompiling a broken template", () => {
    const version = makeVersion({ messages: [{ role: "user", content: "{{#if}}" }] });
    const renderer = createRenderer({ registry: fakeRegistry([version]) });
    const first = thrownBy(() => renderer.render("test/template", {}));
    const second = thrownBy(() => renderer.render("test/template", {}));
    expect(second).toBe(first);
    expect(renderer.stats().cacheMisses).toBe(1);
  });
});

describe("partials", () => {
  const schema = z.object({ name: z.string(), tone: z.string().optional() });

  it("renders registry partials, nested, with the caller's context", () => {
    const partials = { "support/tone": "Be kind to {{name}}. {{> support/sign}}", "support/sign": "-- Acme" };
    expect(renderOne("{{> support/tone}}", { name: "Ann" }, schema, partials)).toBe(
      "Be kind to Ann. -- Acme",
    );
  });

  it("reports a missing partial at compile time", () => {
    const error = thrownBy(() => renderOne("x {{> nope}}", { name: "a" }, schema));
    expect(error).toMatchObject({ reason: "missing_partial", line: 1, column: 3 });
  });

  it("reports a partial cycle instead of overflowing the stack", () => {
    const error = thrownBy(() => renderOne("{{> a}}", { name: "a" }, schema, { a: "{{> b}}", b: "{{> a}}" }));
    expect(error).toMatchObject({ reason: "partial_cycle" });
    expect((error as Error).message).toContain("a -> b -> a");
  });

  it("says which partial a missing variable is in", () => {
    const error = thrownBy(() => renderOne("{{> t}}", { name: "a" }, schema, { t: "\n{{tone}}" }));
    expect(error).toMatchObject({ variable: "tone", partial: "t", line: 2, column: 3 });
  });

  it("allows inline partials and refuses other decorators and dynamic partials", () => {
    expect(renderOne('{{#*inline "p"}}[{{name}}]{{/inline}}{{> p}}', { name: "a" }, schema)).toBe("[a]");
    expect(thrownBy(() => renderOne("{{> (name)}}", { name: "a" }, schema))).toMatchObject({
      reason: "dynamic_partial",
    });
  });
});

describe("several messages", () => {
  it("attributes a missing variable to the message it is in, and renders messages independently", () => {
    const version = makeVersion({
      messages: [
        { role: "system", content: "{{a}}" },
        { role: "user", content: "{{b}}" },
        { role: "assistant", content: "ok" },
        { role: "user", content: "line\n{{c}}" },
      ],
      input: z.object({ a: z.string(), b: z.string(), c: z.string().optional() }),
    });
    const renderer = createRenderer({ registry: fakeRegistry([version]) });
    const error = thrownBy(() => renderer.render("test/template", { a: "1", b: "2" }));
    expect(error).toMatchObject({ messageIndex: 3, variable: "c", line: 2, column: 3 });
    expect(
      renderer.render("test/template", { a: "1", b: "2", c: "3" }).messages.map((m) => m.content),
    ).toEqual(["1", "2", "ok", "line\n3"]);
  });

  it("keeps inline partials inside the message that defines them", () => {
    const version = makeVersion({
      messages: [
        { role: "system", content: '{{#*inline "p"}}x{{/inline}}{{> p}}' },
        { role: "user", content: "{{> p}}" },
      ],
    });
    const error = thrownBy(() =>
      createRenderer({ registry: fakeRegistry([version]) }).render("test/template", {}),
    );
    expect(error).toMatchObject({ reason: "missing_partial", messageIndex: 1 });
  });

  it("survives a custom helper that renders another template while rendering", () => {
    const inner = makeVersion({
      id: "t/inner",
      messages: [{ role: "user", content: "[{{v}}]" }],
      input: z.object({ v: z.string() }),
    });
    const outer = makeVersion({
      id: "t/outer",
      messages: [
        { role: "system", content: "{{nested v}}" },
        { role: "user", content: "after {{v}}" },
      ],
      input: z.object({ v: z.string() }),
    });
    const registry = fakeRegistry([inner, outer]);
    const renderer: ReturnType<typeof createRenderer> = createRenderer({
      registry,
      helpers: { nested: (value) => renderer.render("t/inner", { v: value }).messages[0]!.content },
    });
    expect(renderer.render("t/outer", { v: "z" }).messages.map((m) => m.content)).toEqual(["[z]", "after z"]);
  });
});

describe("custom helpers", () => {
  it("registers user helpers and reports their failures as RenderError", () => {
    const version = makeVersion({
      messages: [{ role: "user", content: "{{shout word}}" }],
      input: z.object({ word: z.string() }),
    });
    const registry = fakeRegistry([version]);
    const renderer = createRenderer({
      registry,
      helpers: {
        shout: (...args) => {
          if (args[0] === "boom") throw new Error("helper exploded");
          return `${String(args[0])}!`;
        },
      },
    });
    expect(renderer.render("test/template", { word: "hey" }).messages[0]!.content).toBe("hey!");
    const error = thrownBy(() => renderer.render("test/template", { word: "boom" }));
    expect(RenderError.isInstance(error)).toBe(true);
    expect((error as RenderError).code).toBe("render_failed");
  });

  it("refuses helper names that shadow built-ins or cannot be written in a template", () => {
    const registry = fakeRegistry([]);
    expect(() => createRenderer({ registry, helpers: { json: () => "" } })).toThrow(/taken by a built-in/);
    expect(() => createRenderer({ registry, helpers: { "has space": () => "" } })).toThrow(/must match/);
  });
});
