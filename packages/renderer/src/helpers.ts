import type { HelperOptions } from "handlebars";

/**
 * Thrown by a helper when an argument that must carry a value is `undefined`. The renderer turns it into a
 * `MissingVariableError` naming the variable, found from the helper call's position in the template AST.
 */
export class HelperArgumentMissing extends Error {
  constructor(
    readonly helper: string,
    readonly argumentIndex: number,
    readonly loc: HelperLocation | undefined,
  ) {
    super(`helper "${helper}" argument ${argumentIndex + 1} is undefined`);
    this.name = "HelperArgumentMissing";
  }
}

/** Thrown by a helper given a value of the wrong kind (e.g. `join` of a string). */
export class HelperArgumentInvalid extends Error {
  constructor(
    readonly helper: string,
    readonly detail: string,
    readonly loc: HelperLocation | undefined,
  ) {
    super(`helper "${helper}": ${detail}`);
    this.name = "HelperArgumentInvalid";
  }
}

export interface HelperLocation {
  source?: string;
  start: { line: number; column: number };
}

type HelperFn = (...args: unknown[]) => unknown;

/** A documented built-in helper: its implementation and how many positional arguments it accepts. */
export interface HelperSpec {
  fn: HelperFn;
  minArgs: number;
  maxArgs: number;
  /** One line for docs and error messages. */
  usage: string;
}

/** Handlebars' own helpers we keep (with their arity), so the compile-time checks know them. */
export const BUILTIN_BLOCK_HELPERS: Readonly<Record<string, { minArgs: number; maxArgs: number }>> = {
  if: { minArgs: 1, maxArgs: 1 },
  unless: { minArgs: 1, maxArgs: 1 },
  each: { minArgs: 1, maxArgs: 1 },
  with: { minArgs: 1, maxArgs: 1 },
};

function split(args: unknown[]): { values: unknown[]; options: HelperOptions & { loc?: HelperLocation } } {
  return {
    values: args.slice(0, -1),
    options: args[args.length - 1] as HelperOptions & { loc?: HelperLocation },
  };
}

function required(
  name: string,
  values: unknown[],
  index: number,
  options: { loc?: HelperLocation },
): unknown {
  const value = values[index];
  if (value === undefined) throw new HelperArgumentMissing(name, index, options.loc);
  return value;
}

function text(name: string, value: unknown, options: { loc?: HelperLocation }): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  if (value === null) return "";
  throw new HelperArgumentInvalid(name, `expected text, got ${describe(value)}`, options.loc);
}

function integer(name: string, value: unknown, options: { loc?: HelperLocation }): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
  throw new HelperArgumentInvalid(
    name,
    `expected a non-negative integer, got ${describe(value)}`,
    options.loc,
  );
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 30 ? `${value.slice(0, 30)}…` : value)}`;
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

/** Unicode-aware so `truncate` never cuts a surrogate pair in half. */
function codePoints(value: string): string[] {
  return Array.from(value);
}

const spec = (minArgs: number, maxArgs: number, usage: string, fn: HelperFn): HelperSpec => ({
  fn,
  minArgs,
  maxArgs,
  usage,
});

/**
 * The built-in helpers. Value helpers refuse `undefined` (a missing optional value) so it can never
 * render as a silent empty string; the comparison helpers and `default` accept it, because guarding is
 * what they are for.
 */
export const BUILTIN_HELPERS: Readonly<Record<string, HelperSpec>> = {
  json: spec(1, 2, "{{json value}} or {{json value 2}}: JSON.stringify, optional indent", (...args) => {
    const { values, options } = split(args);
    const value = required("json", values, 0, options);
    const indent = values[1] === undefined ? undefined : integer("json", values[1], options);
    return JSON.stringify(value, null, indent);
  }),
  join: spec(1, 2, '{{join items ", "}}: joins an array of scalars (default separator ", ")', (...args) => {
    const { values, options } = split(args);
    const list = required("join", values, 0, options);
    if (!Array.isArray(list)) {
      throw new HelperArgumentInvalid("join", `expected an array, got ${describe(list)}`, options.loc);
    }
    const separator = values[1] === undefined ? ", " : text("join", values[1], options);
    return list.map((item) => text("join", item, options)).join(separator);
  }),
  eq: spec(2, 2, "{{#if (eq a b)}}: strict equality", (...args) => {
    const { values } = split(args);
    return values[0] === values[1];
  }),
  ne: spec(2, 2, "{{#if (ne a b)}}: strict inequality", (...args) => {
    const { values } = split(args);
    return values[0] !== values[1];
  }),
  and: spec(2, Number.POSITIVE_INFINITY, "{{#if (and a b)}}: true when every argument is truthy", (...args) =>
    split(args).values.every(Boolean),
  ),
  or: spec(2, Number.POSITIVE_INFINITY, "{{#if (or a b)}}: true when any argument is truthy", (...args) =>
    split(args).values.some(Boolean),
  ),
  not: spec(1, 1, "{{#if (not a)}}: negation", (...args) => !split(args).values[0]),
  default: spec(
    2,
    2,
    '{{default value "fallback"}}: fallback when value is undefined, null or ""',
    (...args) => {
      const { values } = split(args);
      const value = values[0];
      return value === undefined || value === null || value === "" ? values[1] : value;
    },
  ),
  truncate: spec(2, 2, '{{truncate text 200}}: at most n characters, ending in "…" when cut', (...args) => {
    const { values, options } = split(args);
    const value = text("truncate", required("truncate", values, 0, options), options);
    const limit = integer("truncate", required("truncate", values, 1, options), options);
    const chars = codePoints(value);
    if (chars.length <= limit) return value;
    return limit === 0 ? "" : `${chars.slice(0, limit - 1).join("")}…`;
  }),
  upper: spec(1, 1, "{{upper text}}: upper case", (...args) => {
    const { values, options } = split(args);
    return text("upper", required("upper", values, 0, options), options).toUpperCase();
  }),
  lower: spec(1, 1, "{{lower text}}: lower case", (...args) => {
    const { values, options } = split(args);
    return text("lower", required("lower", values, 0, options), options).toLowerCase();
  }),
  trim: spec(1, 1, "{{trim text}}: strips surrounding whitespace", (...args) => {
    const { values, options } = split(args);
    return text("trim", required("trim", values, 0, options), options).trim();
  }),
  length: spec(
    1,
    1,
    "{{length list}}: items of an array, characters of a string, keys of an object",
    (...args) => {
      const { values, options } = split(args);
      const value = required("length", values, 0, options);
      if (typeof value === "string") return codePoints(value).length;
      if (Array.isArray(value)) return value.length;
      if (value !== null && typeof value === "object") return Object.keys(value).length;
      throw new HelperArgumentInvalid(
        "length",
        `expected a string, array or object, got ${describe(value)}`,
        options.loc,
      );
    },
  ),
  add: spec(2, 2, "{{add @index 1}}: sum of two numbers (1-based numbering)", (...args) => {
    const { values, options } = split(args);
    const a = required("add", values, 0, options);
    const b = required("add", values, 1, options);
    if (typeof a !== "number" || typeof b !== "number") {
      throw new HelperArgumentInvalid(
        "add",
        `expected two numbers, got ${describe(a)} and ${describe(b)}`,
        options.loc,
      );
    }
    return a + b;
  }),
  // Replaces Handlebars' `lookup`, which reads through its own prototype checks and logs a warning
  // to the console when it blocks one; this one reads own properties only.
  lookup: spec(2, 2, "{{lookup scores name}}: the property (or index) named by a value", (...args) => {
    const { values } = split(args);
    const [target, key] = values;
    if (target === null || (typeof target !== "object" && typeof target !== "string")) return undefined;
    if (typeof key !== "string" && typeof key !== "number") return undefined;
    const name = String(key);
    return Object.hasOwn(target as object, name) ? (target as Record<string, unknown>)[name] : undefined;
  }),
  indent: spec(
    1,
    2,
    "{{indent text 4}}: prefixes every non-empty line with n spaces (default 2)",
    (...args) => {
      const { values, options } = split(args);
      const value = text("indent", required("indent", values, 0, options), options);
      const width = values[1] === undefined ? 2 : integer("indent", values[1], options);
      const pad = " ".repeat(width);
      return value
        .split("\n")
        .map((line) => (line === "" ? line : pad + line))
        .join("\n");
    },
  ),
};
