import type { JsonSchema } from "@promptreg/registry";

/** What a path segment resolves to in a (normalised) JSON Schema: a sub-schema, nothing, or "anything". */
export type Lookup = { kind: "found"; schema: JsonSchema | undefined } | { kind: "absent"; reason: string };

function typesOf(schema: JsonSchema): Set<string> | undefined {
  const type = schema.type;
  if (typeof type === "string") return new Set([type]);
  if (Array.isArray(type)) return new Set(type.filter((t): t is string => typeof t === "string"));
  const values = Array.isArray(schema.enum) ? schema.enum : "const" in schema ? [schema.const] : undefined;
  if (values) {
    return new Set(
      values.map((value) => (value === null ? "null" : Array.isArray(value) ? "array" : typeof value)),
    );
  }
  return undefined;
}

function asSchema(value: unknown): JsonSchema | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as JsonSchema)
    : undefined;
}

/** The schema of a `length`; one frozen object, so the linter's contexts that hold it compare equal by identity. */
export const INTEGER_SCHEMA: JsonSchema = Object.freeze({ type: "integer" });

/**
 * Resolves one segment of a template path against a schema. `undefined` schemas are "anything" (e.g. under
 * `additionalProperties: true`), where no further checking is possible.
 */
export function propertyOf(schema: JsonSchema | undefined, name: string): Lookup {
  if (schema === undefined) return { kind: "found", schema: undefined };
  const types = typesOf(schema);
  if (types === undefined) return { kind: "found", schema: undefined };
  if (types.has("object")) {
    const properties = asSchema(schema.properties) ?? {};
    if (Object.hasOwn(properties, name)) return { kind: "found", schema: asSchema(properties[name]) };
    if (schema.additionalProperties === true) return { kind: "found", schema: undefined };
    const additional = asSchema(schema.additionalProperties);
    if (additional) return { kind: "found", schema: additional };
  }
  if (types.has("array")) {
    if (/^\d+$/.test(name)) return { kind: "found", schema: asSchema(schema.items) };
    if (name === "length") return { kind: "found", schema: INTEGER_SCHEMA };
  }
  if (types.has("string") && name === "length") return { kind: "found", schema: INTEGER_SCHEMA };
  const described = [...types].join(" or ");
  return {
    kind: "absent",
    reason: types.has("object") ? "is not a property of the object" : `cannot be read from a ${described}`,
  };
}

/** The schema of the items `#each` iterates over. */
export function itemsOf(schema: JsonSchema | undefined): JsonSchema | undefined {
  if (schema === undefined) return undefined;
  const types = typesOf(schema);
  if (types?.has("array")) return asSchema(schema.items);
  return undefined;
}

export function isArraySchema(schema: JsonSchema | undefined): boolean {
  return schema !== undefined && (typesOf(schema)?.has("array") ?? false);
}

/**
 * "object" or "array" when a schema only allows values of that kind (null aside, which prints as nothing), so
 * printing such a value into text is a template bug; undefined when a scalar may be there or nothing is known.
 */
export function nonScalarKind(schema: JsonSchema | undefined): "object" | "array" | undefined {
  if (schema === undefined) return undefined;
  const types = typesOf(schema);
  if (types === undefined) return undefined;
  types.delete("null");
  if (types.size === 0 || [...types].some((type) => type !== "object" && type !== "array")) return undefined;
  return types.has("object") ? "object" : "array";
}

/** Declared property names of an object schema. */
export function propertyNames(schema: JsonSchema): string[] {
  return Object.keys(asSchema(schema.properties) ?? {});
}
