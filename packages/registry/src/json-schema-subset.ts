import { didYouMean, quote } from "@promptreg/core";
/**
 * The JSON Schema subset templates use for `input` and `output`, its validation (every problem with the
 * path of the offending keyword), its normalisation and its compilation to zod.
 *
 * Supported keywords:
 *   type              "string" | "number" | "integer" | "boolean" | "object" | "array" | "null", or a list of them
 *                     (use ["string", "null"] for nullable; `nullable` is not supported). Required unless `enum`
 *                     or `const` is given.
 *   properties        object: name -> schema            (type object only)
 *   required          list of property names             (type object only; each must be in `properties`)
 *   additionalProperties  boolean                        (type object only; schema form not supported).
 *                     DEFAULT: false, in input AND output schemas, so a typo in a variable name or an invented
 *                     field is caught instead of silently ignored (and OpenAI strict structured outputs require it).
 *                     Normalisation writes the default explicitly on every object schema.
 *   items             schema                             (type array only)
 *   minItems, maxItems            non-negative integers  (type array only)
 *   minLength, maxLength          non-negative integers  (type string only)
 *   pattern           ECMAScript regular expression      (type string only; must compile; not anchored; matched
 *                     by RE2 in linear time, see pattern.ts)
 *   format            email | uri | date-time | date | uuid   (type string only)
 *   minimum, maximum, exclusiveMinimum, exclusiveMaximum  numbers (type number/integer only)
 *   enum              non-empty list of strings, numbers, booleans or null (each must fit `type` when given)
 *   const             one string, number, boolean or null
 *   description, title  strings;  default  any value that validates against the schema itself
 * Anything else (e.g. $ref, oneOf, nullable, patternProperties) is an error naming the keyword and its path.
 */
import { z } from "zod";
import { LIMITS } from "./limits.js";
import { compilePattern } from "./pattern.js";
import { PROBLEM_CODES, type ProblemCode } from "./problem-codes.js";
import type { LazyMessage } from "./problem-list.js";
import { matchesFormat, STRING_FORMATS, type StringFormat } from "./string-formats.js";
import type { JsonSchema } from "./types.js";
import type { PathSegment } from "./yaml-source.js";

export const SCHEMA_TYPES = ["string", "number", "integer", "boolean", "object", "array", "null"] as const;
export type SchemaType = (typeof SCHEMA_TYPES)[number];
export { STRING_FORMATS };

export const SCHEMA_KEYWORDS = [
  "type",
  "properties",
  "required",
  "additionalProperties",
  "enum",
  "const",
  "items",
  "minItems",
  "maxItems",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "pattern",
  "format",
  "description",
  "default",
  "title",
] as const;

const KEYWORD_TYPES: Partial<Record<(typeof SCHEMA_KEYWORDS)[number], SchemaType[]>> = {
  properties: ["object"],
  required: ["object"],
  additionalProperties: ["object"],
  items: ["array"],
  minItems: ["array"],
  maxItems: ["array"],
  minLength: ["string"],
  maxLength: ["string"],
  pattern: ["string"],
  format: ["string"],
  minimum: ["number", "integer"],
  maximum: ["number", "integer"],
  exclusiveMinimum: ["number", "integer"],
  exclusiveMaximum: ["number", "integer"],
};

export interface SchemaIssue {
  /** Path from the schema root, e.g. ["properties", "tier", "enum"]. */
  path: PathSegment[];
  /** True when the issue is about a key itself (unknown keyword) rather than its value. */
  key?: boolean;
  code: ProblemCode;
  message: string;
}

type Primitive = string | number | boolean | null;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPrimitive(value: unknown): value is Primitive {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

function fitsType(value: Primitive, type: SchemaType): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "integer":
      return Number.isInteger(value);
    case "number":
    case "string":
    case "boolean":
      return typeof value === type;
    default:
      return false;
  }
}

function where(path: readonly PathSegment[]): string {
  return path.length === 0 ? "the schema root" : quote(path.join("."));
}

interface NormalizeContext {
  issues: SchemaIssue[];
  /** Issues kept; beyond it they are only counted, and their messages are never built. */
  budget: number;
  omitted: number;
}

function addIssue(
  ctx: NormalizeContext,
  {
    path,
    code,
    message,
    key = false,
  }: { path: PathSegment[]; code: ProblemCode; message: LazyMessage; key?: boolean },
): void {
  if (ctx.issues.length >= ctx.budget) {
    ctx.omitted++;
    return;
  }
  ctx.issues.push({ path, code, message: typeof message === "string" ? message : message(), key });
}

function normalize(raw: unknown, path: PathSegment[], ctx: NormalizeContext, depth: number): JsonSchema {
  const issue = (at: PathSegment[], code: ProblemCode, message: LazyMessage, key = false) =>
    addIssue(ctx, { path: at, code, message, key });
  if (depth > LIMITS.maxSchemaDepth) {
    issue(
      path,
      PROBLEM_CODES.SCHEMA_TOO_DEEP,
      `The schema at ${where(path)} is nested more than ${LIMITS.maxSchemaDepth} levels deep (LIMITS.maxSchemaDepth; each properties.<name> or items is a level). Flatten the structure.`,
    );
    return {};
  }
  if (!isPlainObject(raw)) {
    issue(
      path,
      PROBLEM_CODES.SCHEMA_NOT_OBJECT,
      `The schema at ${where(path)} must be a mapping such as { type: string }.`,
    );
    return {};
  }
  const out: JsonSchema = {};
  for (const keyword of Object.keys(raw)) {
    if (!(SCHEMA_KEYWORDS as readonly string[]).includes(keyword)) {
      issue(
        [...path, keyword],
        PROBLEM_CODES.SCHEMA_UNKNOWN_KEYWORD,
        `${quote(keyword)} at ${where(path)} is not part of the supported JSON Schema subset.${didYouMean(keyword, SCHEMA_KEYWORDS)}` +
          (keyword === "nullable" ? ' For a nullable value use type: [string, "null"].' : "") +
          ` Supported: ${SCHEMA_KEYWORDS.join(", ")}.`,
        true,
      );
    }
  }
  let types: SchemaType[] = [];
  if (raw.type !== undefined) {
    const list = Array.isArray(raw.type) ? raw.type : [raw.type];
    const bad = list.find((type) => !(SCHEMA_TYPES as readonly unknown[]).includes(type));
    if (list.length === 0 || bad !== undefined) {
      issue(
        [...path, "type"],
        PROBLEM_CODES.SCHEMA_BAD_TYPE,
        `type at ${where(path)} must be one of ${SCHEMA_TYPES.join(", ")} (or a list of them), got ${JSON.stringify(
          bad ?? raw.type,
        )}.${typeof bad === "string" ? didYouMean(bad, SCHEMA_TYPES) : ""}`,
      );
    } else if (new Set(list).size !== list.length) {
      issue([...path, "type"], PROBLEM_CODES.SCHEMA_BAD_TYPE, `type at ${where(path)} lists a type twice.`);
    } else {
      types = list as SchemaType[];
      out.type = Array.isArray(raw.type) ? [...types] : types[0];
    }
  } else if (raw.enum === undefined && raw.const === undefined) {
    issue(
      path,
      PROBLEM_CODES.SCHEMA_MISSING_TYPE,
      `The schema at ${where(path)} has no "type"; add one (${SCHEMA_TYPES.join(", ")}) or use enum/const.`,
    );
  }
  const keywordFits = (keyword: (typeof SCHEMA_KEYWORDS)[number]) => {
    const needs = KEYWORD_TYPES[keyword];
    if (!needs || raw[keyword] === undefined) return raw[keyword] !== undefined;
    if (types.length > 0 && !types.some((type) => needs.includes(type))) {
      issue(
        [...path, keyword],
        PROBLEM_CODES.SCHEMA_KEYWORD_TYPE_MISMATCH,
        `"${keyword}" at ${where(path)} only applies to type ${needs.join(" or ")}, but the type is ${types.join(", ")}.`,
        true,
      );
      return false;
    }
    if (types.length === 0) {
      issue(
        [...path, keyword],
        PROBLEM_CODES.SCHEMA_KEYWORD_TYPE_MISMATCH,
        `"${keyword}" at ${where(path)} needs an explicit type: ${needs.join(" or ")}.`,
        true,
      );
      return false;
    }
    return true;
  };
  for (const keyword of ["title", "description"] as const) {
    if (raw[keyword] === undefined) continue;
    if (typeof raw[keyword] !== "string") {
      issue(
        [...path, keyword],
        PROBLEM_CODES.SCHEMA_BAD_VALUE,
        `${keyword} at ${where(path)} must be a string.`,
      );
    } else out[keyword] = raw[keyword];
  }
  if (raw.enum !== undefined) {
    if (!Array.isArray(raw.enum) || raw.enum.length === 0 || !raw.enum.every(isPrimitive)) {
      issue(
        [...path, "enum"],
        PROBLEM_CODES.SCHEMA_BAD_VALUE,
        `enum at ${where(path)} must be a non-empty list of strings, numbers, booleans or null.`,
      );
    } else {
      const misfit = raw.enum.findIndex(
        (value) => types.length > 0 && !types.some((t) => fitsType(value, t)),
      );
      if (misfit !== -1) {
        issue(
          [...path, "enum", misfit],
          PROBLEM_CODES.SCHEMA_BAD_VALUE,
          `enum value ${JSON.stringify(raw.enum[misfit])} at ${where(path)} does not match type ${types.join(", ")}.`,
        );
      } else out.enum = [...raw.enum];
    }
  }
  if (raw.const !== undefined) {
    if (!isPrimitive(raw.const)) {
      issue(
        [...path, "const"],
        PROBLEM_CODES.SCHEMA_BAD_VALUE,
        `const at ${where(path)} must be a string, number, boolean or null.`,
      );
    } else if (types.length > 0 && !types.some((t) => fitsType(raw.const as Primitive, t))) {
      issue(
        [...path, "const"],
        PROBLEM_CODES.SCHEMA_BAD_VALUE,
        `const ${JSON.stringify(raw.const)} at ${where(path)} does not match type ${types.join(", ")}.`,
      );
    } else out.const = raw.const;
  }
  const shorthandRequired: string[] = [];
  if (keywordFits("properties")) {
    if (!isPlainObject(raw.properties)) {
      issue(
        [...path, "properties"],
        PROBLEM_CODES.SCHEMA_BAD_VALUE,
        `properties at ${where(path)} must be a mapping name -> schema.`,
      );
    } else {
      const properties: Record<string, JsonSchema> = {};
      for (const [key, child] of Object.entries(raw.properties)) {
        const shorthand = typeof child === "string";
        // "?" marks a shorthand property optional; on a full schema it would silently rename the property.
        const optional = shorthand && key.endsWith("?");
        const name = optional ? key.slice(0, -1) : key;
        const at = [...path, "properties", key];
        if (!shorthand && key.endsWith("?")) {
          issue(
            at,
            PROBLEM_CODES.SCHEMA_BAD_VALUE,
            `Property ${JSON.stringify(key)} at ${where(path)}: a "?" after the name marks a shorthand property (note?: string) optional; with a full schema, name it ${JSON.stringify(key.slice(0, -1))} and leave it out of required.`,
            true,
          );
          continue;
        }
        if (name === "__proto__") {
          issue(
            at,
            PROBLEM_CODES.SCHEMA_BAD_VALUE,
            `"__proto__" at ${where(path)} cannot be a property name: JavaScript objects treat it as their prototype, so its value would be lost. Rename the property.`,
            true,
          );
          continue;
        }
        if (name.length === 0 || Object.hasOwn(properties, name)) {
          issue(
            at,
            PROBLEM_CODES.SCHEMA_BAD_VALUE,
            `Property ${quote(key)} at ${where(path)} is empty or declared twice (with and without "?").`,
            true,
          );
          continue;
        }
        if (typeof child === "string") {
          properties[name] = expandShorthand(child, at, ctx);
          if (!optional) shorthandRequired.push(name);
        } else properties[name] = normalize(child, at, ctx, depth + 1);
      }
      out.properties = properties;
    }
  }
  if (keywordFits("required")) {
    const required = raw.required;
    if (!Array.isArray(required) || !required.every((name) => typeof name === "string")) {
      issue(
        [...path, "required"],
        PROBLEM_CODES.SCHEMA_BAD_VALUE,
        `required at ${where(path)} must be a list of property names.`,
      );
    } else {
      const known = Object.keys((out.properties as Record<string, unknown> | undefined) ?? {});
      const knownSet = new Set(known);
      required.forEach((name, index) => {
        if (!knownSet.has(name)) {
          issue(
            [...path, "required", index],
            PROBLEM_CODES.SCHEMA_REQUIRED_UNKNOWN,
            () =>
              `required names ${quote(name)} at ${where(path)}, which is not in properties.${didYouMean(name, known)}`,
          );
        }
      });
      if (new Set(required).size !== required.length) {
        issue(
          [...path, "required"],
          PROBLEM_CODES.SCHEMA_BAD_VALUE,
          `required at ${where(path)} lists a property twice.`,
        );
      }
      out.required = [...required];
    }
  }
  if (shorthandRequired.length > 0) {
    const explicit = Array.isArray(out.required) ? (out.required as string[]) : [];
    const listed = new Set(explicit);
    out.required = [...explicit, ...shorthandRequired.filter((name) => !listed.has(name))];
  }
  if (keywordFits("additionalProperties") && typeof raw.additionalProperties !== "boolean") {
    issue(
      [...path, "additionalProperties"],
      PROBLEM_CODES.SCHEMA_BAD_VALUE,
      `additionalProperties at ${where(path)} must be true or false (schemas are not supported here).`,
    );
  }
  if (types.includes("object")) {
    out.properties ??= {};
    out.additionalProperties =
      typeof raw.additionalProperties === "boolean" ? raw.additionalProperties : false;
  }
  if (keywordFits("items")) out.items = normalize(raw.items, [...path, "items"], ctx, depth + 1);
  for (const keyword of ["minItems", "maxItems", "minLength", "maxLength"] as const) {
    if (!keywordFits(keyword)) continue;
    const value = raw[keyword];
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
      issue(
        [...path, keyword],
        PROBLEM_CODES.SCHEMA_BAD_VALUE,
        `${keyword} at ${where(path)} must be a non-negative integer.`,
      );
    } else out[keyword] = value;
  }
  for (const keyword of ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] as const) {
    if (!keywordFits(keyword)) continue;
    if (typeof raw[keyword] !== "number" || !Number.isFinite(raw[keyword])) {
      issue(
        [...path, keyword],
        PROBLEM_CODES.SCHEMA_BAD_VALUE,
        `${keyword} at ${where(path)} must be a number.`,
      );
    } else out[keyword] = raw[keyword];
  }
  for (const [low, high] of [
    ["minItems", "maxItems"],
    ["minLength", "maxLength"],
    ["minimum", "maximum"],
  ] as const) {
    const lo = out[low];
    const hi = out[high];
    if (typeof lo === "number" && typeof hi === "number" && lo > hi) {
      issue(
        [...path, low],
        PROBLEM_CODES.SCHEMA_BAD_VALUE,
        `${low} (${lo}) is greater than ${high} (${hi}) at ${where(path)}.`,
      );
    }
  }
  if (keywordFits("pattern")) {
    if (typeof raw.pattern !== "string") {
      issue(
        [...path, "pattern"],
        PROBLEM_CODES.SCHEMA_BAD_PATTERN,
        `pattern at ${where(path)} must be a string.`,
      );
    } else {
      const compiled = compilePattern(raw.pattern);
      if (compiled.ok) out.pattern = raw.pattern;
      else {
        issue(
          [...path, "pattern"],
          compiled.reason === "invalid"
            ? PROBLEM_CODES.SCHEMA_BAD_PATTERN
            : PROBLEM_CODES.SCHEMA_UNSUPPORTED_PATTERN,
          `pattern ${quote(raw.pattern)} at ${where(path)} ${compiled.message}.`,
        );
      }
    }
  }
  if (keywordFits("format")) {
    if (!(STRING_FORMATS as readonly unknown[]).includes(raw.format)) {
      issue(
        [...path, "format"],
        PROBLEM_CODES.SCHEMA_BAD_FORMAT,
        `format at ${where(path)} must be one of ${STRING_FORMATS.join(", ")}, got ${JSON.stringify(raw.format)}.${
          typeof raw.format === "string" ? didYouMean(raw.format, STRING_FORMATS) : ""
        }`,
      );
    } else out.format = raw.format;
  }
  if (raw.default !== undefined) out.default = raw.default;
  return out;
}

const SHORTHAND_EXAMPLES = 'string, integer, string[], "free|pro|enterprise" or string|null';

/**
 * Compact property shorthand (inside `properties` only):
 *   ticket: string          -> { type: string }, and "ticket" is required
 *   note?: string           -> { type: string }, optional (a "?" after the name means not required)
 *   tags: string[]          -> { type: array, items: { type: string } }
 *   tier: "free|pro"        -> { type: string, enum: [free, pro] }   (alternatives that are not type names)
 *   reason: string|null     -> { type: [string, "null"] }            (alternatives that are all type names)
 */
function expandShorthand(text: string, path: PathSegment[], ctx: NormalizeContext): JsonSchema {
  const source = text.trim();
  if (source.endsWith("[]")) {
    return { type: "array", items: expandShorthand(source.slice(0, -2), path, ctx) };
  }
  const parts = source.split("|").map((part) => part.trim());
  const isType = (part: string) => (SCHEMA_TYPES as readonly string[]).includes(part);
  if (parts.length > 0 && parts.every(isType) && new Set(parts).size === parts.length) {
    const type = parts.length === 1 ? parts[0]! : parts;
    return type === "object" ? { type, properties: {}, additionalProperties: false } : { type };
  }
  if (
    parts.length > 1 &&
    parts.every((part) => part.length > 0 && !isType(part)) &&
    new Set(parts).size === parts.length
  ) {
    return { type: "string", enum: parts };
  }
  addIssue(ctx, {
    path,
    code: PROBLEM_CODES.SCHEMA_BAD_SHORTHAND,
    message: `${quote(text)} is not a valid property shorthand: use ${SHORTHAND_EXAMPLES}, or a full schema such as { type: string }.${
      parts.length === 1 ? didYouMean(parts[0]!, SCHEMA_TYPES) : ""
    }`,
  });
  return {};
}

/**
 * Validates a raw schema against the subset and returns its normalised form (every object schema has explicit
 * `properties` and `additionalProperties`). `root: "input"` additionally requires `type: object` at the root.
 * When `issues` is non-empty (or `omitted` is not 0) the schema must not be compiled. At most `maxIssues` issues are
 * kept (default `LIMITS.maxProblemsPerFile`); `omitted` counts the rest.
 */
export function normalizeSchema(
  raw: unknown,
  { root, maxIssues = LIMITS.maxProblemsPerFile }: { root: "input" | "output"; maxIssues?: number },
): {
  schema: JsonSchema;
  issues: SchemaIssue[];
  omitted: number;
} {
  const ctx: NormalizeContext = { issues: [], budget: maxIssues, omitted: 0 };
  const schema = normalize(raw, [], ctx, 0);
  if (root === "input" && isPlainObject(raw) && raw.type !== "object") {
    addIssue(ctx, {
      path: ["type"],
      code: PROBLEM_CODES.SCHEMA_INPUT_NOT_OBJECT,
      message:
        "The input schema must have type: object at its root (the template variables are its properties).",
    });
  }
  if (ctx.issues.length === 0 && ctx.omitted === 0) {
    for (const problem of checkDefaults(schema, [])) addIssue(ctx, problem);
  }
  return { schema, issues: ctx.issues, omitted: ctx.omitted };
}

function checkDefaults(schema: JsonSchema, path: PathSegment[]): SchemaIssue[] {
  const found: SchemaIssue[] = [];
  if (schema.default !== undefined) {
    const result = compileSchema({ ...schema, default: undefined }).safeParse(schema.default);
    if (!result.success) {
      found.push({
        path: [...path, "default"],
        code: PROBLEM_CODES.SCHEMA_BAD_DEFAULT,
        message: `default ${JSON.stringify(schema.default)} at ${where(path)} does not match its own schema: ${
          result.error.issues[0]?.message ?? "invalid"
        }.`,
      });
    }
  }
  if (isPlainObject(schema.properties)) {
    for (const [name, child] of Object.entries(schema.properties)) {
      found.push(...checkDefaults(child as JsonSchema, [...path, "properties", name]));
    }
  }
  if (isPlainObject(schema.items)) found.push(...checkDefaults(schema.items, [...path, "items"]));
  return found;
}

function compileString(schema: JsonSchema): z.ZodType {
  let base = z.string();
  const format = schema.format as StringFormat | undefined;
  if (format !== undefined) {
    base = base.check((ctx) => {
      if (matchesFormat(format, ctx.value)) return;
      ctx.issues.push({ code: "invalid_format", format, input: ctx.value, message: `Invalid ${format}` });
    });
  }
  if (typeof schema.minLength === "number") base = base.min(schema.minLength);
  if (typeof schema.maxLength === "number") base = base.max(schema.maxLength);
  if (typeof schema.pattern === "string") {
    const compiled = compilePattern(schema.pattern);
    if (!compiled.ok)
      throw new TypeError(`compileSchema needs a normalised schema: pattern ${compiled.message}`);
    const { matcher } = compiled;
    // RE2 instead of zod's .regex(): a backtracking RegExp would let one input hang the process.
    base = base.check((ctx) => {
      if (matcher.test(ctx.value)) return;
      ctx.issues.push({
        code: "invalid_format",
        format: "regex",
        pattern: matcher.source,
        input: ctx.value,
        message: `Invalid string: must match pattern ${matcher.source}`,
      });
    });
  }
  return base;
}

function compileNumber(schema: JsonSchema, integer: boolean): z.ZodType {
  let base = z.number();
  if (integer) {
    // Any number without a fractional part, as JSON Schema says; z.int() would refuse integers beyond 2^53
    // (ids, snowflakes), which JavaScript holds as the nearest double.
    base = base.check((ctx) => {
      if (Number.isInteger(ctx.value)) return;
      ctx.issues.push({
        code: "invalid_type",
        expected: "int",
        input: ctx.value,
        message: "Invalid input: expected int, received number",
      });
    });
  }
  if (typeof schema.minimum === "number") base = base.min(schema.minimum);
  if (typeof schema.maximum === "number") base = base.max(schema.maximum);
  if (typeof schema.exclusiveMinimum === "number") base = base.gt(schema.exclusiveMinimum);
  if (typeof schema.exclusiveMaximum === "number") base = base.lt(schema.exclusiveMaximum);
  return base;
}

/** Sets an own, enumerable property, even for names such as "__proto__" that plain assignment would not create. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function compileObject(schema: JsonSchema): z.ZodType {
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const properties = Object.entries((schema.properties as Record<string, JsonSchema>) ?? {}).map(
    ([name, child]) => ({
      name,
      schema: compileSchema(child),
      required: required.has(name),
      default: child.default,
    }),
  );
  const open = schema.additionalProperties === true;
  // zod reads `input[name]`, so an absent optional property named like an Object.prototype member ("constructor",
  // "toString") would be read from the prototype and fail. Such objects are checked by checkedObject; the rest
  // keep zod's faster object (which refuses an input key "__proto__" when strict, and drops it when open).
  if (properties.some((property) => property.name in Object.prototype))
    return checkedObject(properties, open);
  const shape: Record<string, z.ZodType> = {};
  for (const property of properties) {
    shape[property.name] = property.required
      ? property.schema
      : property.default !== undefined
        ? property.schema.default(structuredClone(property.default) as never)
        : property.schema.optional();
  }
  return open ? z.looseObject(shape) : z.strictObject(shape);
}

/** An object check that reads own properties only and defines (never assigns) the output's properties. */
function checkedObject(
  properties: { name: string; schema: z.ZodType; required: boolean; default: unknown }[],
  open: boolean,
): z.ZodType {
  const declared = new Set(properties.map((property) => property.name));
  return z.unknown().transform((input, ctx) => {
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
      ctx.issues.push({
        code: "invalid_type",
        expected: "object",
        input,
        message: `Invalid input: expected object, received ${input === null ? "null" : Array.isArray(input) ? "array" : typeof input}`,
      });
      return z.NEVER;
    }
    const value = input as Record<string, unknown>;
    const output: Record<string, unknown> = {};
    let failed = false;
    for (const property of properties) {
      const present = Object.hasOwn(value, property.name) && value[property.name] !== undefined;
      if (!present && property.default !== undefined) {
        define(output, property.name, structuredClone(property.default));
        continue;
      }
      if (!present && !property.required) continue;
      const result = property.schema.safeParse(present ? value[property.name] : undefined);
      if (result.success) define(output, property.name, result.data);
      else {
        failed = true;
        for (const issue of result.error.issues) {
          ctx.issues.push({
            ...issue,
            input: issue.input,
            path: [property.name, ...issue.path],
          } as z.core.$ZodRawIssue);
        }
      }
    }
    const extra = Object.keys(value).filter((key) => !declared.has(key));
    if (open) for (const key of extra) define(output, key, value[key]);
    else if (extra.length > 0) {
      failed = true;
      ctx.issues.push({
        code: "unrecognized_keys",
        keys: extra,
        input: value,
        message: `Unrecognized key${extra.length > 1 ? "s" : ""}: ${extra.map((key) => JSON.stringify(key)).join(", ")}`,
      });
    }
    return failed ? z.NEVER : output;
  });
}

function compileArray(schema: JsonSchema): z.ZodType {
  let base = z.array(schema.items ? compileSchema(schema.items as JsonSchema) : z.unknown());
  if (typeof schema.minItems === "number") base = base.min(schema.minItems);
  if (typeof schema.maxItems === "number") base = base.max(schema.maxItems);
  return base;
}

function compileType(type: SchemaType, schema: JsonSchema): z.ZodType {
  switch (type) {
    case "string":
      return compileString(schema);
    case "number":
      return compileNumber(schema, false);
    case "integer":
      return compileNumber(schema, true);
    case "boolean":
      return z.boolean();
    case "null":
      return z.null();
    case "object":
      return compileObject(schema);
    case "array":
      return compileArray(schema);
  }
}

/** The enum/const restriction of a schema as a zod check, or undefined when it has neither. */
function valuesCheck(schema: JsonSchema): z.core.CheckFn<unknown> | undefined {
  const values: Primitive[] | undefined = Array.isArray(schema.enum)
    ? (schema.enum as Primitive[])
    : schema.const !== undefined
      ? [schema.const as Primitive]
      : undefined;
  if (values === undefined) return undefined;
  const allowed = new Set<unknown>(values);
  return (ctx) => {
    if (allowed.has(ctx.value) && (schema.const === undefined || ctx.value === schema.const)) return;
    ctx.issues.push({
      code: "invalid_value",
      values,
      input: ctx.value,
      message: `Invalid option: expected one of ${values.map((value) => JSON.stringify(value)).join("|")}`,
    });
  };
}

/** Compiles a normalised schema (see `normalizeSchema`) to zod. Call once per schema; the result is reusable. */
export function compileSchema(schema: JsonSchema): z.ZodType {
  // enum and const restrict the value alongside every other keyword of the schema, never instead of them.
  const values = valuesCheck(schema);
  let compiled: z.ZodType;
  if (schema.type === undefined) compiled = z.unknown().check(values!);
  else {
    const types = (Array.isArray(schema.type) ? schema.type : [schema.type]) as SchemaType[];
    const variants = types.map((type) => compileType(type, schema));
    compiled = variants.length === 1 ? variants[0]! : z.union(variants as [z.ZodType, z.ZodType]);
    if (values) compiled = compiled.check(values);
  }
  const meta: Record<string, string> = {};
  if (typeof schema.title === "string") meta.title = schema.title;
  if (typeof schema.description === "string") meta.description = schema.description;
  return Object.keys(meta).length > 0 ? compiled.meta(meta) : compiled;
}

/** A deep copy of a normalised schema, safe to hand to OpenAPI, response_format or docs generators. */
export function toJsonSchema(schema: JsonSchema): JsonSchema {
  return structuredClone(schema) as JsonSchema;
}
