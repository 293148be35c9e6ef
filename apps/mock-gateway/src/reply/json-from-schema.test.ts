import { thrownBy } from "@promptreg/test-kit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ReplySchemaError } from "../errors/reply-schema-error.js";
import { jsonFromSchema } from "./json-from-schema.js";

type Schema = Record<string, unknown>;

const stringSchema: fc.Arbitrary<Schema> = fc.oneof(
  fc
    .record(
      { min: fc.nat({ max: 12 }), extra: fc.nat({ max: 12 }), useMin: fc.boolean(), useMax: fc.boolean() },
      { noNullPrototype: true },
    )
    .map(({ min, extra, useMin, useMax }) => ({
      type: "string",
      ...(useMin ? { minLength: min } : {}),
      ...(useMax ? { maxLength: (useMin ? min : 0) + extra } : {}),
    })),
  fc.constantFrom("email", "uuid", "date-time", "date", "uri").map((format) => ({ type: "string", format })),
);

const numberSchema: fc.Arbitrary<Schema> = fc
  .record({
    type: fc.constantFrom("number", "integer"),
    low: fc.integer({ min: -1000, max: 1000 }),
    width: fc.integer({ min: 2, max: 500 }),
    bounds: fc.constantFrom("none", "min", "max", "both"),
    exclusiveLow: fc.boolean(),
    exclusiveHigh: fc.boolean(),
    multipleOf: fc.option(fc.integer({ min: 1, max: 7 }), { nil: undefined }),
  })
  .map(({ type, low, width, bounds, exclusiveLow, exclusiveHigh, multipleOf }) => {
    const schema: Schema = { type };
    if (bounds === "min" || bounds === "both") schema[exclusiveLow ? "exclusiveMinimum" : "minimum"] = low;
    if (bounds === "max" || bounds === "both") {
      // Wide enough that a multiple always fits between the bounds.
      schema[exclusiveHigh ? "exclusiveMaximum" : "maximum"] = low + width + (multipleOf ?? 0) * 2;
    }
    if (multipleOf !== undefined) schema.multipleOf = multipleOf;
    return schema;
  });

const primitive = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null));

const leaf: fc.Arbitrary<Schema> = fc.oneof(
  stringSchema,
  numberSchema,
  fc.constant({ type: "boolean" }),
  fc.constant({ type: "null" }),
  fc.uniqueArray(primitive, { minLength: 1, maxLength: 4 }).map((values) => ({ enum: values })),
);

const { node } = fc.letrec<{ node: Schema; array: Schema; object: Schema }>((tie) => ({
  node: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, tie("array"), tie("object")),
  array: fc
    .record({ items: tie("node"), min: fc.nat({ max: 3 }), extra: fc.nat({ max: 3 }), useMax: fc.boolean() })
    .map(({ items, min, extra, useMax }) => ({
      type: "array",
      items,
      minItems: min,
      ...(useMax ? { maxItems: min + extra } : {}),
    })),
  object: fc
    .dictionary(
      fc.string({ minLength: 1, maxLength: 6 }).filter((key) => key !== "__proto__"),
      tie("node"),
      { maxKeys: 4 },
    )
    .chain((properties) =>
      fc.subarray(Object.keys(properties)).map((required) => ({ type: "object", properties, required })),
    ),
}));

describe("jsonFromSchema", () => {
  it("always produces a value the schema accepts (checked with zod's fromJSONSchema)", () => {
    fc.assert(
      fc.property(node, fc.string({ maxLength: 40 }), (schema, seed) => {
        const value = jsonFromSchema(schema, seed);
        const validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
        const result = validator.safeParse(value);
        if (!result.success) {
          throw new Error(
            `${JSON.stringify(value)} fails ${JSON.stringify(schema)}: ${result.error.message}`,
          );
        }
        // Deterministic: the same schema and seed give the same value.
        expect(jsonFromSchema(schema, seed)).toEqual(value);
      }),
      { numRuns: 400 },
    );
  });

  it("uses a validator that really rejects wrong values (so the property above is not vacuous)", () => {
    const check = (schema: Schema, value: unknown) =>
      z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]).safeParse(value).success;
    expect(check({ type: "integer", minimum: 5 }, 3)).toBe(false);
    expect(check({ type: "string", maxLength: 2 }, "abc")).toBe(false);
    expect(check({ type: "object", properties: { a: { type: "string" } }, required: ["a"] }, {})).toBe(false);
    expect(check({ enum: ["x"] }, "y")).toBe(false);
    expect(check({ type: "array", items: { type: "number" }, minItems: 2 }, [1])).toBe(false);
  });

  it("takes the first enum value, const, and minimal sizes", () => {
    expect(jsonFromSchema({ enum: ["b", "a"] })).toBe("b");
    expect(jsonFromSchema({ const: 42 })).toBe(42);
    expect(jsonFromSchema({ type: "array", items: { type: "integer" }, minItems: 3 })).toEqual([0, 0, 0]);
    expect(jsonFromSchema({ type: "integer", minimum: 5, maximum: 9 })).toBe(5);
    expect(jsonFromSchema({ type: "integer", exclusiveMinimum: 5 })).toBe(6);
    expect(jsonFromSchema({ type: "number", maximum: -3 })).toBe(-3);
    expect(jsonFromSchema({ type: "integer", minimum: 7, multipleOf: 5 })).toBe(10);
  });

  it("fills string fields with the echo text fitted to length limits", () => {
    const schema = {
      type: "object",
      properties: {
        summary: { type: "string" },
        code: { type: "string", minLength: 3, maxLength: 3 },
        email: { type: "string", format: "email" },
        tags: { type: "array", items: { type: "string", maxLength: 4 } },
        maybe: { type: ["null", "boolean"] },
      },
      required: ["summary"],
    };
    expect(jsonFromSchema(schema, "Echo: hi")).toEqual({
      summary: "Echo: hi",
      code: "Ech",
      email: "echo@example.com",
      tags: ["Echo"],
      maybe: true,
    });
  });

  it("pads short seeds up to minLength and follows anyOf's first branch", () => {
    expect(jsonFromSchema({ type: "string", minLength: 6 }, "ab")).toBe("abxxxx");
    expect(jsonFromSchema({ anyOf: [{ type: "integer" }, { type: "string" }] })).toBe(0);
  });
});

describe("jsonFromSchema limits", () => {
  it.each([
    [{ type: "array", items: { type: "integer" }, minItems: 1_000_000 }, "items", /more than 10000 values/],
    [{ type: "string", minLength: 10_000_000 }, "", /minLength 10000000/],
    [
      { type: "object", properties: { a: { type: "array", items: { type: "string", minLength: 200_000 } } } },
      "properties.a.items",
      /minLength/,
    ],
  ])("refuses %j with a ReplySchemaError at %s", (schema, path, reason) => {
    const caught = thrownBy(() => jsonFromSchema(schema));
    expect(ReplySchemaError.isInstance(caught)).toBe(true);
    expect((caught as ReplySchemaError).path).toBe(path);
    expect((caught as Error).message).toMatch(reason);
  });

  it("refuses nesting deeper than 32 levels", () => {
    let schema: Record<string, unknown> = { type: "string" };
    for (let i = 0; i < 40; i++) schema = { type: "array", items: schema, minItems: 1 };
    expect(() => jsonFromSchema(schema)).toThrow(/nesting deeper than 32/);
  });
});
