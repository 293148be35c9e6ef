import { ReplySchemaError } from "../errors/reply-schema-error.js";

/**
 * Builds a deterministic JSON value that satisfies a JSON Schema in the supported subset: type (or a list of
 * types), const, enum, properties, required, items, minItems/maxItems, minLength/maxLength,
 * minimum/maximum/exclusiveMinimum/exclusiveMaximum, multipleOf, format (email, uri, uuid, date, date-time),
 * anyOf/oneOf (first branch) and nullable. `pattern`, `$ref` and `not` are not solved.
 */
type Schema = Record<string, unknown>;

const FORMAT_EXAMPLES: Record<string, string> = {
  email: "echo@example.com",
  uri: "https://example.com/echo",
  url: "https://example.com/echo",
  uuid: "00000000-0000-4000-8000-000000000000",
  date: "2024-01-01",
  "date-time": "2024-01-01T00:00:00Z",
  time: "00:00:00Z",
  hostname: "example.com",
  ipv4: "127.0.0.1",
  ipv6: "::1",
};

const MAX_DEPTH = 32;
const MAX_VALUES = 10_000;
const MAX_STRING = 100_000;

interface Context {
  seed: string;
  /** Values generated so far, against MAX_VALUES. */
  values: number;
}

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function pickType(schema: Schema): string | undefined {
  const type = schema.type;
  if (typeof type === "string") return type;
  if (Array.isArray(type)) {
    // Prefer a non-null type so the reply carries information; null only when it is the sole option.
    return (type.find((t) => t !== "null") ?? type[0]) as string | undefined;
  }
  if (isSchema(schema.properties) || Array.isArray(schema.required)) return "object";
  if ("items" in schema || "minItems" in schema) return "array";
  if ("minLength" in schema || "maxLength" in schema || "format" in schema) return "string";
  if ("minimum" in schema || "maximum" in schema) return "number";
  return undefined;
}

function fitString(schema: Schema, seed: string, path: string): string {
  const format = typeof schema.format === "string" ? FORMAT_EXAMPLES[schema.format] : undefined;
  let text = format ?? seed;
  const min = num(schema.minLength) ?? 0;
  const max = num(schema.maxLength);
  if (min > MAX_STRING)
    throw new ReplySchemaError({ path, reason: `minLength ${min} is above ${MAX_STRING}` });
  // Lengths count code points, as JSON Schema does.
  const points = Array.from(text);
  if (max !== undefined && points.length > max) text = points.slice(0, max).join("");
  const length = Array.from(text).length;
  if (length < min) text += "x".repeat(min - length);
  return text;
}

function fitNumber(schema: Schema, integer: boolean): number {
  const minimum = num(schema.minimum);
  const maximum = num(schema.maximum);
  const exMin = num(schema.exclusiveMinimum);
  const exMax = num(schema.exclusiveMaximum);
  const step = num(schema.multipleOf);

  let low = Number.NEGATIVE_INFINITY;
  if (minimum !== undefined) low = minimum;
  let lowExclusive = false;
  if (exMin !== undefined && exMin >= low) {
    low = exMin;
    lowExclusive = true;
  }
  let high = Number.POSITIVE_INFINITY;
  if (maximum !== undefined) high = maximum;
  let highExclusive = false;
  if (exMax !== undefined && exMax <= high) {
    high = exMax;
    highExclusive = true;
  }

  const feasible = (v: number): boolean =>
    (v > low || (!lowExclusive && v === low)) && (v < high || (!highExclusive && v === high));
  // 0 is the most neutral value and a multiple of everything.
  if (feasible(0)) return 0;

  const unit = step !== undefined && step > 0 ? step : integer ? 1 : undefined;
  if (unit !== undefined) {
    if (low !== Number.NEGATIVE_INFINITY) {
      const candidate = Math.ceil(low / unit) * unit;
      return feasible(candidate) ? candidate : candidate + unit;
    }
    const candidate = Math.floor(high / unit) * unit;
    return feasible(candidate) ? candidate : candidate - unit;
  }
  if (low !== Number.NEGATIVE_INFINITY) {
    if (!lowExclusive) return low;
    // Midpoint keeps the value strictly inside a bounded exclusive range.
    return high === Number.POSITIVE_INFINITY ? low + 1 : low + (high - low) / 2;
  }
  return highExclusive ? high - 1 : high;
}

function generate(schema: unknown, ctx: Context, depth: number, path: string): unknown {
  if (depth > MAX_DEPTH)
    throw new ReplySchemaError({ path, reason: `nesting deeper than ${MAX_DEPTH} levels` });
  if (++ctx.values > MAX_VALUES) {
    throw new ReplySchemaError({ path, reason: `the reply would hold more than ${MAX_VALUES} values` });
  }
  if (!isSchema(schema)) return null;
  const seed = ctx.seed;
  const at = (suffix: string) => (path === "" ? suffix : `${path}.${suffix}`);
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const key of ["anyOf", "oneOf"] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length > 0)
      return generate(branches[0], ctx, depth + 1, at(`${key}[0]`));
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    return generate(
      Object.assign({}, ...schema.allOf.filter(isSchema), schema, { allOf: undefined }),
      ctx,
      depth,
      path,
    );
  }

  switch (pickType(schema)) {
    case "string":
      return fitString(schema, seed, path);
    case "integer":
      return fitNumber(schema, true);
    case "number":
      return fitNumber(schema, false);
    case "boolean":
      return true;
    case "null":
      return null;
    case "array": {
      const minItems = num(schema.minItems) ?? 0;
      const maxItems = num(schema.maxItems);
      const count = Math.max(minItems, maxItems === 0 ? 0 : Math.min(1, maxItems ?? 1));
      const items = schema.items;
      if (Array.isArray(schema.prefixItems)) {
        const prefix = schema.prefixItems.map((item, i) =>
          generate(item, ctx, depth + 1, at(`prefixItems[${i}]`)),
        );
        while (prefix.length < count) prefix.push(generate(items, ctx, depth + 1, at("items")));
        return prefix;
      }
      const out: unknown[] = [];
      for (let i = 0; i < count; i++) out.push(generate(items ?? {}, ctx, depth + 1, at("items")));
      return out;
    }
    case "object": {
      const out: Record<string, unknown> = {};
      const properties = isSchema(schema.properties) ? schema.properties : {};
      for (const [name, sub] of Object.entries(properties)) {
        out[name] = generate(sub, ctx, depth + 1, at(`properties.${name}`));
      }
      if (Array.isArray(schema.required)) {
        for (const name of schema.required) {
          if (typeof name === "string" && !(name in out)) out[name] = null;
        }
      }
      return out;
    }
    default:
      return seed;
  }
}

/**
 * A JSON value satisfying `schema`; string fields carry `seed` (the echo text) fitted to their length limits.
 * Throws ReplySchemaError when the value would be unreasonably large or deep.
 */
export function jsonFromSchema(schema: unknown, seed = "echo"): unknown {
  return generate(schema, { seed, values: 0 }, 0, "");
}
