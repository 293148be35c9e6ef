// Runs the official JSON Schema Test Suite (draft 2020-12, the files of the keywords the subset supports, vendored in
// __fixtures__/json-schema-test-suite) through the subset's compiler, with ajv as a reference.
//
// The subset differs from JSON Schema in three documented ways (docs/template-format.md, "Deviations from JSON
// Schema"): `type` is required, `additionalProperties` defaults to false, and formats are asserted. The suite's
// schemas rely on the first two defaults, so each schema is first written out in the subset's dialect: a schema
// without `type` gets every type (JSON Schema's meaning of "no type"), an object schema without
// `additionalProperties` gets `true` (JSON Schema's default), and `$schema` is dropped. ajv checks that this
// translation keeps every case's verdict. Then, for every case:
//   - a schema the subset refuses at load must be listed in OUTSIDE_SUBSET with the reason (a refusal is loud:
//     a template author sees a problem at the keyword, never a silent wrong verdict);
//   - otherwise our verdict must equal the suite's, except for the cases in DEVIATIONS.
// Both lists are checked in both directions, so a fixed deviation or a newly supported schema fails the test
// until the list is updated.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { compileSchema, normalizeSchema, SCHEMA_TYPES } from "../src/index.js";

const SUITE = fileURLToPath(
  new URL("./__fixtures__/json-schema-test-suite/tests/draft2020-12/", import.meta.url),
);

/** The suite files of the supported keywords (plus the optional format, bignum and regex files that concern them). */
const FILES = [
  "type.json",
  "properties.json",
  "required.json",
  "additionalProperties.json",
  "enum.json",
  "const.json",
  "items.json",
  "minItems.json",
  "maxItems.json",
  "minLength.json",
  "maxLength.json",
  "minimum.json",
  "maximum.json",
  "exclusiveMinimum.json",
  "exclusiveMaximum.json",
  "pattern.json",
  "default.json",
  "format.json",
  "optional/bignum.json",
  "optional/ecmascript-regex.json",
  "optional/non-bmp-regex.json",
  "optional/format/email.json",
  "optional/format/uri.json",
  "optional/format/date-time.json",
  "optional/format/date.json",
  "optional/format/uuid.json",
] as const;

interface SuiteGroup {
  description: string;
  schema: unknown;
  tests: { description: string; data: unknown; valid: boolean }[];
}

/** The suite's schema in the subset's dialect, with JSON Schema's own defaults written out. */
function translate(schema: unknown): unknown {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return schema;
  const { $schema: _dialect, ...rest } = schema as Record<string, unknown>;
  const out: Record<string, unknown> = { ...rest };
  if (out.type === undefined && out.enum === undefined && out.const === undefined)
    out.type = [...SCHEMA_TYPES];
  const types = Array.isArray(out.type) ? out.type : [out.type];
  if (types.includes("object") && out.additionalProperties === undefined) out.additionalProperties = true;
  // The subset requires every `required` name in `properties`; JSON Schema's meaning of an undeclared one is `{}`.
  const required = Array.isArray(out.required) ? (out.required as unknown[]) : [];
  const declared = typeof out.properties === "object" && out.properties !== null ? out.properties : undefined;
  if (declared !== undefined || required.length > 0) {
    const undeclared = required.filter(
      (name): name is string => typeof name === "string" && !(declared && Object.hasOwn(declared, name)),
    );
    out.properties = Object.fromEntries([
      ...Object.entries(declared ?? {}).map(([name, child]) => [name, translate(child)]),
      ...undeclared.map((name) => [name, translate({})]),
    ]);
  }
  if (out.items !== undefined) out.items = translate(out.items);
  return out;
}

// Schemas the subset refuses at load (each a documented rule of the subset), by reason: "<file> :: <group>".
const OUTSIDE_SUBSET: Record<string, string[]> = {
  "keywords outside the subset: patternProperties, allOf, propertyNames, dependentSchemas, prefixItems, $defs, $comment":
    [
      "additionalProperties.json :: additionalProperties being false does not allow other properties",
      "additionalProperties.json :: additionalProperties does not look in applicators",
      "additionalProperties.json :: additionalProperties with propertyNames",
      "additionalProperties.json :: dependentSchemas with additionalProperties",
      "additionalProperties.json :: non-ASCII pattern with additionalProperties",
      "const.json :: characters with the same visual representation but different codepoint",
      "const.json :: characters with the same visual representation, but different number of codepoints",
      "items.json :: items and subitems",
      "items.json :: items does not look in applicators, valid case",
      "items.json :: items with heterogeneous array",
      "items.json :: prefixItems validation adjusts the starting index for items",
      "items.json :: prefixItems with no additional items allowed",
      "optional/ecmascript-regex.json :: \\d in patternProperties matches [0-9], not unicode digits",
      "optional/ecmascript-regex.json :: \\w in patternProperties matches [A-Za-z0-9_], not unicode letters",
      "optional/ecmascript-regex.json :: patternProperties with ASCII ranges",
      "optional/ecmascript-regex.json :: patternProperties with non-ASCII digits",
      "optional/ecmascript-regex.json :: patterns always use unicode semantics with patternProperties",
      "optional/non-bmp-regex.json :: Proper UTF-16 surrogate pair handling: patternProperties",
      "properties.json :: properties, patternProperties, additionalProperties interaction",
    ],
  "additionalProperties is true or false, and every subschema an object (no schema-valued additionalProperties, no boolean schemas)":
    [
      "additionalProperties.json :: additionalProperties can exist by itself",
      "additionalProperties.json :: additionalProperties with null valued instance properties",
      "additionalProperties.json :: additionalProperties with schema",
      "items.json :: items with boolean schema (false)",
      "items.json :: items with boolean schema (true)",
      "properties.json :: properties with boolean schema",
    ],
  "enum and const hold strings, numbers, booleans or null, and enum is not empty": [
    "const.json :: const with [false] does not match [0]",
    "const.json :: const with [true] does not match [1]",
    "const.json :: const with array",
    "const.json :: const with object",
    'const.json :: const with {"a": false} does not match {"a": 0}',
    'const.json :: const with {"a": true} does not match {"a": 1}',
    "enum.json :: empty enum",
    "enum.json :: enum with [0] does not match [false]",
    "enum.json :: enum with [1] does not match [true]",
    "enum.json :: enum with [false] does not match [0]",
    "enum.json :: enum with [true] does not match [1]",
    "enum.json :: heterogeneous enum validation",
  ],
  "a default must validate against its own schema (it is applied before rendering)": [
    "default.json :: invalid string value for default",
    "default.json :: invalid type for default",
    "default.json :: the default keyword does not do anything if the property is missing",
  ],
  "formats other than email, uri, date-time, date and uuid": [
    "format.json :: duration format",
    "format.json :: hostname format",
    "format.json :: idn-email format",
    "format.json :: idn-hostname format",
    "format.json :: ipv4 format",
    "format.json :: ipv6 format",
    "format.json :: iri format",
    "format.json :: iri-reference format",
    "format.json :: json-pointer format",
    "format.json :: regex format",
    "format.json :: relative-json-pointer format",
    "format.json :: time format",
    "format.json :: uri-reference format",
    "format.json :: uri-template format",
  ],
  '"__proto__" cannot be a property name (JavaScript objects treat it as their prototype)': [
    "properties.json :: properties whose names are Javascript object property names",
    "required.json :: required properties whose names are Javascript object property names",
  ],
};

// Cases where a compiled schema's verdict differs from the suite's, by documented deviation:
// "<file> :: <group> :: <test>".
const DEVIATIONS: Record<string, string[]> = {
  "formats are asserted, not only annotations (docs/template-format.md, strict formats)": [
    "format.json :: email format :: invalid email string is only an annotation by default",
    "format.json :: date format :: invalid date string is only an annotation by default",
    "format.json :: date-time format :: invalid date-time string is only an annotation by default",
    "format.json :: uri format :: invalid uri string is only an annotation by default",
    "format.json :: uuid format :: invalid uuid string is only an annotation by default",
  ],
};

// Where ajv itself is not a faithful reference for the translation check.
const AJV_GAPS = new Set([
  // ajv misjudges a schema whose properties include "__proto__" (the translation declares the required names).
  "required.json :: required properties whose names are Javascript object property names",
]);

const groups = FILES.flatMap((file) =>
  (JSON.parse(readFileSync(`${SUITE}${file}`, "utf8")) as SuiteGroup[]).map((group) => ({ file, ...group })),
);

function reference() {
  const ajv = new Ajv2020({ strict: false, validateFormats: true, logger: false });
  addFormats.default(ajv);
  return ajv;
}

// ajv compiles ~300 schemas here: generous timeouts for a loaded machine, not speed assertions.
describe("JSON Schema Test Suite (draft 2020-12), supported keywords", { timeout: 60_000 }, () => {
  it("holds the vendored files", () => {
    expect(groups.length).toBeGreaterThan(140);
  });

  it("translating the suite's schemas to the subset's dialect keeps every verdict (checked with ajv)", () => {
    // ajv judges the suite's schema and its translation alike (whatever ajv's own gaps, e.g. formats it asserts
    // or an empty enum it refuses), so the translation changes no meaning.
    const ajv = reference();
    const verdicts = (schema: unknown, data: unknown[]) => {
      try {
        const validate = ajv.compile(schema as object);
        return data.map((item) => validate(item));
      } catch (error) {
        return `refused: ${(error as Error).message}`;
      }
    };
    let compared = 0;
    for (const group of groups) {
      if (AJV_GAPS.has(`${group.file} :: ${group.description}`)) continue;
      const data = group.tests.map((test) => test.data);
      expect(verdicts(translate(group.schema), data), `${group.file} :: ${group.description}`).toEqual(
        verdicts(group.schema, data),
      );
      compared += data.length;
    }
    expect(compared).toBeGreaterThan(600);
  });

  it("refuses exactly the schemas listed outside the subset, and agrees with every other verdict but the listed deviations", () => {
    const refused: string[] = [];
    const disagreements: string[] = [];
    let agreed = 0;
    for (const group of groups) {
      const { schema, issues } = normalizeSchema(translate(group.schema), { root: "output" });
      if (issues.length > 0) {
        refused.push(`${group.file} :: ${group.description}`);
        continue;
      }
      const compiled = compileSchema(schema);
      for (const test of group.tests) {
        if (compiled.safeParse(test.data).success === test.valid) agreed++;
        else disagreements.push(`${group.file} :: ${group.description} :: ${test.description}`);
      }
    }
    expect(refused.sort()).toEqual(Object.values(OUTSIDE_SUBSET).flat().sort());
    expect(disagreements.sort()).toEqual(Object.values(DEVIATIONS).flat().sort());
    expect(agreed).toBeGreaterThan(300);
  });
});
