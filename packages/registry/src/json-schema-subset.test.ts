import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { compileSchema, normalizeSchema, toJsonSchema } from "./json-schema-subset.js";
import { LIMITS } from "./limits.js";
import type { JsonSchema } from "./types.js";

function compile(raw: unknown, root: "input" | "output" = "output") {
  const { schema, issues } = normalizeSchema(raw, { root });
  expect(issues).toEqual([]);
  return compileSchema(schema);
}

function issueCodes(raw: unknown, root: "input" | "output" = "output") {
  return normalizeSchema(raw, { root }).issues.map((issue) => `${issue.code}@${issue.path.join(".")}`);
}

describe("normalizeSchema", () => {
  it("writes additionalProperties: false and properties on every object schema", () => {
    const { schema } = normalizeSchema(
      {
        type: "object",
        properties: { nested: { type: "object" }, open: { type: "object", additionalProperties: true } },
      },
      { root: "input" },
    );
    expect(schema).toEqual({
      type: "object",
      properties: {
        nested: { type: "object", properties: {}, additionalProperties: false },
        open: { type: "object", properties: {}, additionalProperties: true },
      },
      additionalProperties: false,
    });
    expect(normalizeSchema(schema, { root: "input" }).schema).toEqual(schema);
  });

  it("names every problem with its path", () => {
    expect(
      issueCodes({
        type: "object",
        properties: {
          a: { type: "strng" },
          b: { type: "string", nullable: true },
          c: { type: "integer", minimum: "1" },
          d: { type: "string", format: "emial" },
          e: { type: "array", items: { type: "string", pattern: "(" } },
          f: { enum: [] },
          g: { type: "string", enum: ["x", 1] },
          h: { type: "string", default: 3 },
          i: { type: "string", minLength: 5, maxLength: 2 },
          j: {},
          k: { type: "string", additionalProperties: false },
          l: { type: "string", const: 1 },
        },
        required: ["a", "zz"],
      }),
    ).toEqual([
      "schema_bad_type@properties.a.type",
      "schema_unknown_keyword@properties.b.nullable",
      "schema_bad_value@properties.c.minimum",
      "schema_bad_format@properties.d.format",
      "schema_bad_pattern@properties.e.items.pattern",
      "schema_bad_value@properties.f.enum",
      "schema_bad_value@properties.g.enum.1",
      "schema_bad_value@properties.i.minLength",
      "schema_missing_type@properties.j",
      "schema_keyword_type_mismatch@properties.k.additionalProperties",
      "schema_bad_value@properties.l.const",
      "schema_required_unknown@required.1",
    ]);
    // defaults are checked once the structure is valid
    expect(issueCodes({ type: "object", properties: { h: { type: "string", default: 3 } } })).toEqual([
      "schema_bad_default@properties.h.default",
    ]);
    expect(issueCodes({ type: "string" }, "input")).toEqual(["schema_input_not_object@type"]);
    expect(issueCodes("string")).toEqual(["schema_not_object@"]);
  });

  it("suggests the nearest keyword for typos", () => {
    const [issue] = normalizeSchema({ type: "string", maxLenght: 3 }, { root: "output" }).issues;
    expect(issue?.message).toContain('Did you mean "maxLength"?');
    expect(issue?.key).toBe(true);
  });
});

describe("patterns", () => {
  it("refuses a pattern the linear-time engine cannot run, at the pattern, with what to write instead", () => {
    for (const pattern of ["^(a)\\1$", "^(?=.*\\d).{8,}$", "(?<!x)y"]) {
      const { issues } = normalizeSchema(
        { type: "object", properties: { code: { type: "string", pattern } } },
        { root: "input" },
      );
      expect(issues.map((issue) => `${issue.code}@${issue.path.join(".")}`)).toEqual([
        "schema_unsupported_pattern@properties.code.pattern",
      ]);
      expect(issues[0]!.message).toMatch(/linear-time .*: .*(instead|without it)/);
    }
  });

  it("matches a pattern anywhere in the string, with ECMAScript's meaning of . and \\s", () => {
    const schema = compile({ type: "string", pattern: "b.\\s" });
    expect(schema.safeParse("ab\u00e9\u00a0c").success).toBe(true);
    expect(schema.safeParse("ab\r c").success).toBe(false);
    const issue = schema.safeParse("zzz").error?.issues[0];
    expect(issue).toMatchObject({ code: "invalid_format", format: "regex", pattern: "b.\\s" });
    expect(issue?.message).toContain("b.\\s");
  });
});

describe("JSON Schema 2020-12 semantics", () => {
  it("applies enum and const together with every sibling keyword", () => {
    const enumWithLength = compile({ type: "string", enum: ["a", "bb"], minLength: 2 });
    expect(enumWithLength.safeParse("a").success).toBe(false);
    expect(enumWithLength.safeParse("bb").success).toBe(true);
    expect(enumWithLength.safeParse("cc").success).toBe(false);
    const constWithMaximum = compile({ type: "integer", const: 5, maximum: 4 });
    expect(constWithMaximum.safeParse(5).success).toBe(false);
    const enumAlone = compile({ enum: ["x", 1, null] });
    expect([enumAlone.safeParse(1).success, enumAlone.safeParse(true).success]).toEqual([true, false]);
  });

  it("checks format: uri by RFC 3986", () => {
    const uri = compile({ type: "string", format: "uri" });
    for (const valid of ["https://example.org/a?b=c#d", "urn:isbn:0451450523", "mailto:ada@example.org"]) {
      expect(uri.safeParse(valid).success, valid).toBe(true);
    }
    for (const invalid of [
      "https://example.org/a b",
      "https://example.org/<x>",
      "https://example.org/{x}|^",
      "https://example.org/%zz",
      "https://example.org/caf\u00e9",
      "/relative/path",
    ]) {
      expect(uri.safeParse(invalid).success, invalid).toBe(false);
    }
  });

  it("accepts the e-mail, uuid and date-time forms the RFCs allow", () => {
    expect(compile({ type: "string", format: "email" }).safeParse("te~st@example.com").success).toBe(true);
    expect(
      compile({ type: "string", format: "uuid" }).safeParse("2eb8aa08-aa98-11ea-f4aa-73b441d16380").success,
    ).toBe(true);
    const dateTime = compile({ type: "string", format: "date-time" });
    expect(dateTime.safeParse("1963-06-19t08:30:06.283185z").success).toBe(true);
    expect(dateTime.safeParse("1998-12-31T23:59:60Z").success).toBe(true);
    expect(dateTime.safeParse("1998-12-31T23:58:60Z").success).toBe(false);
  });

  it("accepts integers beyond 2^53 (ids, snowflakes) and still refuses fractions", () => {
    const integer = compile({ type: "integer" });
    expect(integer.safeParse(2 ** 60).success).toBe(true);
    expect(integer.safeParse(JSON.parse("12345678901234567890123")).success).toBe(true);
    expect(integer.safeParse(1.5).success).toBe(false);
  });

  it("treats properties named like Object.prototype members as any other property", () => {
    const schema = compile(
      {
        type: "object",
        properties: { constructor: "string", "toString?": "string", valueOf: { type: "integer" } },
      },
      "input",
    );
    expect(schema.safeParse({ constructor: "c" }).success).toBe(true);
    expect(schema.safeParse({ constructor: "c", toString: 1 }).success).toBe(false);
    expect(schema.safeParse({}).success).toBe(false);
    expect(schema.parse({ constructor: "c", valueOf: 3 })).toEqual({ constructor: "c", valueOf: 3 });
  });

  it("refuses a key __proto__ in input instead of letting it vanish, and refuses it as a property name", () => {
    for (const properties of [{ "a?": "string" }, { "toString?": "string" }]) {
      const strict = compile({ type: "object", properties }, "input");
      expect(strict.safeParse(JSON.parse('{"__proto__": {"a": 1}}')).success).toBe(false);
    }
    for (const properties of [{}, { "constructor?": "string" }]) {
      const open = compile({ type: "object", properties, additionalProperties: true }, "input");
      const parsed = open.parse(JSON.parse('{"__proto__": {"polluted": 1}}')) as Record<string, unknown>;
      expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
      expect(parsed.polluted).toBeUndefined();
    }
    const { issues } = normalizeSchema(
      JSON.parse('{"type": "object", "properties": {"__proto__": "string"}}'),
      {
        root: "input",
      },
    );
    expect(issues).toMatchObject([
      { code: "schema_bad_value", path: ["properties", "__proto__"], key: true },
    ]);
  });

  it("refuses a trailing ? on a property with a full schema instead of renaming it", () => {
    const { issues } = normalizeSchema(
      { type: "object", properties: { "note?": { type: "string" } } },
      { root: "input" },
    );
    expect(issues).toMatchObject([{ code: "schema_bad_value", path: ["properties", "note?"], key: true }]);
    expect(issues[0]!.message).toContain('name it "note"');
  });
});

describe("budgets", () => {
  /** `{ type: array, items: ... }` nested `depth` times around a string schema. */
  function nestedItems(depth: number): JsonSchema {
    let schema: JsonSchema = { type: "string" };
    for (let level = 0; level < depth; level++) schema = { type: "array", items: schema };
    return schema;
  }

  it("refuses schemas nested deeper than LIMITS.maxSchemaDepth at the first level too deep", () => {
    expect(normalizeSchema(nestedItems(LIMITS.maxSchemaDepth), { root: "output" }).issues).toEqual([]);
    const { issues } = normalizeSchema(nestedItems(LIMITS.maxSchemaDepth + 1), { root: "output" });
    expect(issues.map((issue) => issue.code)).toEqual(["schema_too_deep"]);
    expect(issues[0]!.path).toEqual(Array(LIMITS.maxSchemaDepth + 1).fill("items"));
    expect(issues[0]!.message).toContain(String(LIMITS.maxSchemaDepth));
  });

  it("reports a schema nested far beyond the stack's reach as one problem, without overflowing", () => {
    const { issues } = normalizeSchema(nestedItems(50_000), { root: "output" });
    expect(issues.map((issue) => issue.code)).toEqual(["schema_too_deep"]);
  });

  // 3,000 properties take a while to normalise on a loaded machine: a generous timeout, not a speed assertion.
  it("keeps LIMITS.maxProblemsPerFile issues and counts the rest, without building their suggestions", {
    timeout: 60_000,
  }, () => {
    // 3,000 unknown names against 3,000 properties: "did you mean" for each would take minutes.
    const count = 3_000;
    const properties = Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, "string"]));
    const required = Array.from({ length: count }, (_, i) => `q${i}`);
    const { issues, omitted } = normalizeSchema({ type: "object", properties, required }, { root: "input" });
    expect(issues).toHaveLength(LIMITS.maxProblemsPerFile);
    expect(issues[0]!.message).toContain('Did you mean "p0"?');
    expect(omitted).toBe(count - LIMITS.maxProblemsPerFile);
  });
});

describe("compileSchema", () => {
  it("enforces each keyword", () => {
    const schema = compile(
      {
        type: "object",
        properties: {
          name: { type: "string", minLength: 1, maxLength: 5, pattern: "^[a-z]+$" },
          age: { type: "integer", minimum: 0, exclusiveMaximum: 150 },
          score: { type: "number", exclusiveMinimum: 0, maximum: 1 },
          tags: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 2 },
          tier: { type: "string", enum: ["free", "pro"], default: "free" },
          kind: { const: "user" },
          note: { type: ["string", "null"] },
          flag: { type: "boolean" },
        },
        required: ["name", "age", "kind"],
      },
      "input",
    );
    const ok = { name: "ann", age: 3, kind: "user" };
    expect(schema.parse(ok)).toEqual({ ...ok, tier: "free" });
    const bad: Record<string, unknown>[] = [
      { ...ok, name: "" },
      { ...ok, name: "abcdef" },
      { ...ok, name: "Ab" },
      { ...ok, age: 1.5 },
      { ...ok, age: -1 },
      { ...ok, age: 150 },
      { ...ok, score: 0 },
      { ...ok, score: 1.1 },
      { ...ok, tags: [] },
      { ...ok, tags: ["a", "b", "c"] },
      { ...ok, tier: "gold" },
      { ...ok, kind: "admin" },
      { ...ok, note: 1 },
      { ...ok, flag: "yes" },
      { ...ok, extra: 1 },
      { name: "ann", age: 3 },
    ];
    for (const value of bad) expect(schema.safeParse(value).success, JSON.stringify(value)).toBe(false);
    expect(schema.safeParse({ ...ok, note: null, score: 1, tags: ["a"] }).success).toBe(true);
  });

  it("supports the string formats", () => {
    const cases: [string, string, string][] = [
      ["email", "a@b.example", "not-an-email"],
      ["uri", "https://acme.example/x", "not a uri"],
      ["date-time", "2026-01-02T03:04:05Z", "2026-01-02"],
      ["date", "2026-01-02", "2026-13-40"],
      ["uuid", "123e4567-e89b-42d3-a456-426614174000", "123"],
    ];
    for (const [format, good, bad] of cases) {
      const schema = compile({ type: "string", format });
      expect(schema.safeParse(good).success, `${format} ${good}`).toBe(true);
      expect(schema.safeParse(bad).success, `${format} ${bad}`).toBe(false);
    }
  });

  it("produces zod schemas that z.toJSONSchema can convert (for response_format and OpenAPI)", () => {
    const raw = {
      type: "object",
      properties: { summary: { type: "string", description: "One line." }, n: { type: ["integer", "null"] } },
      required: ["summary"],
    };
    const json = z.toJSONSchema(compile(raw), { io: "input" }) as JsonSchema;
    expect(json.type).toBe("object");
    expect(json.additionalProperties).toBe(false);
    expect(json.required).toEqual(["summary"]);
    expect((json.properties as Record<string, JsonSchema>).summary).toMatchObject({
      type: "string",
      description: "One line.",
    });
  });

  it("toJsonSchema returns an independent copy", () => {
    const { schema } = normalizeSchema(
      { type: "object", properties: { a: { type: "string" } } },
      { root: "input" },
    );
    const copy = toJsonSchema(schema);
    (copy.properties as Record<string, unknown>).b = {};
    expect(Object.keys(schema.properties as object)).toEqual(["a"]);
  });
});

// Generated valid subset schemas paired with a value that satisfies them.
const leaf: fc.Arbitrary<{ schema: JsonSchema; value: unknown }> = fc.oneof(
  fc.tuple(fc.nat({ max: 5 }), fc.string({ maxLength: 5 })).map(([min, s]) => ({
    schema: { type: "string", minLength: min },
    value: s.padEnd(min, "x"),
  })),
  fc
    .integer({ min: -5, max: 5 })
    .map((n) => ({ schema: { type: "integer", minimum: -5, maximum: 5 }, value: n })),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => ({ schema: { type: "number" }, value: n })),
  fc.boolean().map((b) => ({ schema: { type: "boolean" }, value: b })),
  fc.constant({ schema: { type: "null" }, value: null }),
  fc
    .constantFrom("a", "b", "c")
    .map((v) => ({ schema: { type: "string", enum: ["a", "b", "c"] }, value: v })),
);
const node: fc.Arbitrary<{ schema: JsonSchema; value: unknown }> = fc.letrec<{
  node: { schema: JsonSchema; value: unknown };
}>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("node"), { maxLength: 3 }).map((items) => ({
      schema: { type: "array", items: items[0]?.schema ?? { type: "string" } },
      value: items.length ? items.map(() => items[0]!.value) : [],
    })),
    fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), tie("node"), { maxKeys: 4 }).map((entries) => ({
      schema: {
        type: "object",
        properties: Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, v.schema])),
        required: Object.keys(entries),
      },
      value: Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, v.value])),
    })),
  ),
})).node;

describe("subset properties", () => {
  it("generated valid schemas normalise without issues, compile, accept their witness and reject extra keys", {
    timeout: 60_000,
  }, () => {
    fc.assert(
      fc.property(node, ({ schema, value }) => {
        const schemaCopy = structuredClone(schema);
        const compiled = compile(schema);
        expect(compiled.safeParse(value).success).toBe(true);
        expect(schema).toEqual(schemaCopy);
        if (schema.type === "object")
          expect(compiled.safeParse({ ...(value as object), zzzExtra: 1 }).success).toBe(false);
        expect(() => z.toJSONSchema(compiled, { io: "input" })).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it("never throws on arbitrary input, only reports issues", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (raw) => {
        const { issues, schema } = normalizeSchema(raw, { root: "output" });
        if (issues.length === 0) expect(() => compileSchema(schema)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});

describe("compact property shorthand", () => {
  it("expands types, arrays, enums, nullable and optional markers", () => {
    const { schema, issues } = normalizeSchema(
      {
        type: "object",
        properties: {
          ticket: "string",
          "note?": "string",
          tags: "string[]",
          "tier?": "free|pro|enterprise",
          reason: "string|null",
          count: { type: "integer" },
        },
        required: ["count"],
      },
      { root: "input" },
    );
    expect(issues).toEqual([]);
    expect(schema).toEqual({
      type: "object",
      properties: {
        ticket: { type: "string" },
        note: { type: "string" },
        tags: { type: "array", items: { type: "string" } },
        tier: { type: "string", enum: ["free", "pro", "enterprise"] },
        reason: { type: ["string", "null"] },
        count: { type: "integer" },
      },
      required: ["count", "ticket", "tags", "reason"],
      additionalProperties: false,
    });
    const compiled = compileSchema(schema);
    expect(compiled.safeParse({ ticket: "t", tags: [], reason: null, count: 1 }).success).toBe(true);
    expect(compiled.safeParse({ tags: [], reason: null, count: 1 }).success).toBe(false);
    // normalising the expanded form again changes nothing (bundles rely on this)
    expect(normalizeSchema(schema, { root: "input" }).schema).toEqual(schema);
  });

  it("reports bad shorthand with a suggestion", () => {
    const { issues } = normalizeSchema(
      { type: "object", properties: { a: "strng", b: "string|pro", "c?": "x", c: "string" } },
      { root: "input" },
    );
    expect(issues.map((i) => `${i.code}@${i.path.join(".")}`)).toEqual([
      "schema_bad_shorthand@properties.a",
      "schema_bad_shorthand@properties.b",
      "schema_bad_shorthand@properties.c?",
      "schema_bad_value@properties.c",
    ]);
    expect(issues[0]!.message).toContain('Did you mean "string"?');
  });
});
