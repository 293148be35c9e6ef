import type { HelperOptions } from "handlebars";

/**
 * Thrown by a helper when an argument that must carry a value is `undefined`. The renderer turns it into a
 * `MissingVariableError` naming the variable, found from the helper call's position in the template AST.
 * Internal control flow, never thrown out of the package (not in index.ts), so not a PromptregBaseError.
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

/**
 * Thrown by a helper given a value of the wrong kind (e.g. `join` of a string). Internal control flow, never thrown
 * out of the package (not in index.ts), so not a PromptregBaseError.
 */
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

type Options = HelperOptions & { loc?: HelperLocation };

function required(name: string, value: unknown, index: number, options: Options): unknown {
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
// Helpers take positional parameters (no rest arrays): they run per item inside `#each` on the hot path.
// Arity is checked when a template compiles, so for fixed-arity helpers the options object is always in
// the same position; helpers with an optional argument tell the two shapes apart by whether a third
// argument (the options object, which Handlebars always passes) is present.
/**
 * The built-in helpers. Value helpers refuse `undefined` (a missing optional value) so it can never
 * render as a silent empty string; the comparison helpers and `default` accept it, because guarding is
 * what they are for.
 */
export const BUILTIN_HELPERS: Readonly<Record<string, HelperSpec>> = {
  json: spec(1, 2, "{{json value}} or {{json value 2}}: JSON.stringify, optional indent", function json(
    value: unknown,
    indentOrOptions: unknown,
    maybeOptions?: unknown,
  ) {
    const hasIndent = maybeOptions !== undefined;
    const options = (hasIndent ? maybeOptions : indentOrOptions) as Options;
    required("json", value, 0, options);
    const indent = hasIndent
      ? integer("json", required("json", indentOrOptions, 1, options), options)
      : undefined;
    return JSON.stringify(value, null, indent);
  } as HelperFn),
  join: spec(1, 2, '{{join items ", "}}: joins an array of scalars (default separator ", ")', function join(
    list: unknown,
    separatorOrOptions: unknown,
    maybeOptions?: unknown,
  ) {
    const hasSeparator = maybeOptions !== undefined;
    const options = (hasSeparator ? maybeOptions : separatorOrOptions) as Options;
    required("join", list, 0, options);
    if (!Array.isArray(list)) {
      throw new HelperArgumentInvalid("join", `expected an array, got ${describe(list)}`, options.loc);
    }
    const separator = hasSeparator
      ? text("join", required("join", separatorOrOptions, 1, options), options)
      : ", ";
    let out = "";
    for (let i = 0; i < list.length; i++) {
      if (i > 0) out += separator;
      out += text("join", list[i], options);
    }
    return out;
  } as HelperFn),
  eq: spec(2, 2, "{{#if (eq a b)}}: strict equality", ((a: unknown, b: unknown) => a === b) as HelperFn),
  ne: spec(2, 2, "{{#if (ne a b)}}: strict inequality", ((a: unknown, b: unknown) => a !== b) as HelperFn),
  and: spec(
    2,
    Number.POSITIVE_INFINITY,
    "{{#if (and a b)}}: true when every argument is truthy",
    (...args) => {
      for (let i = 0; i < args.length - 1; i++) if (!args[i]) return false;
      return true;
    },
  ),
  or: spec(2, Number.POSITIVE_INFINITY, "{{#if (or a b)}}: true when any argument is truthy", (...args) => {
    for (let i = 0; i < args.length - 1; i++) if (args[i]) return true;
    return false;
  }),
  not: spec(1, 1, "{{#if (not a)}}: negation", ((a: unknown) => !a) as HelperFn),
  default: spec(2, 2, '{{default value "fallback"}}: fallback when value is undefined, null or ""', ((
    value: unknown,
    fallback: unknown,
  ) => (value === undefined || value === null || value === "" ? fallback : value)) as HelperFn),
  truncate: spec(2, 2, '{{truncate text 200}}: at most n characters, ending in "…" when cut', ((
    value: unknown,
    limit: unknown,
    options: Options,
  ) => {
    const whole = text("truncate", required("truncate", value, 0, options), options);
    const n = integer("truncate", required("truncate", limit, 1, options), options);
    // Cheap exit before splitting into code points: n UTF-16 units never hold more than n code points.
    if (whole.length <= n) return whole;
    const chars = Array.from(whole);
    if (chars.length <= n) return whole;
    return n === 0 ? "" : `${chars.slice(0, n - 1).join("")}…`;
  }) as HelperFn),
  upper: spec(1, 1, "{{upper text}}: upper case", ((value: unknown, options: Options) =>
    text("upper", required("upper", value, 0, options), options).toUpperCase()) as HelperFn),
  lower: spec(1, 1, "{{lower text}}: lower case", ((value: unknown, options: Options) =>
    text("lower", required("lower", value, 0, options), options).toLowerCase()) as HelperFn),
  trim: spec(1, 1, "{{trim text}}: strips surrounding whitespace", ((value: unknown, options: Options) =>
    text("trim", required("trim", value, 0, options), options).trim()) as HelperFn),
  length: spec(1, 1, "{{length list}}: items of an array, characters of a string, keys of an object", ((
    value: unknown,
    options: Options,
  ) => {
    required("length", value, 0, options);
    if (typeof value === "string") return Array.from(value).length;
    if (Array.isArray(value)) return value.length;
    if (value !== null && typeof value === "object") return Object.keys(value).length;
    throw new HelperArgumentInvalid(
      "length",
      `expected a string, array or object, got ${describe(value)}`,
      options.loc,
    );
  }) as HelperFn),
  add: spec(2, 2, "{{add @index 1}}: sum of two numbers (1-based numbering)", ((
    a: unknown,
    b: unknown,
    options: Options,
  ) => {
    if (typeof a === "number" && typeof b === "number") return a + b;
    required("add", a, 0, options);
    required("add", b, 1, options);
    throw new HelperArgumentInvalid(
      "add",
      `expected two numbers, got ${describe(a)} and ${describe(b)}`,
      options.loc,
    );
  }) as HelperFn),
  // Replaces Handlebars' `lookup`, which reads through its own prototype checks and logs a warning
  // to the console when it blocks one; this one reads own properties only.
  lookup: spec(2, 2, "{{lookup scores name}}: the property (or index) named by a value", ((
    target: unknown,
    key: unknown,
  ) => {
    if (target === null || (typeof target !== "object" && typeof target !== "string")) return undefined;
    if (typeof key !== "string" && typeof key !== "number") return undefined;
    const name = String(key);
    return Object.hasOwn(target as object, name) ? (target as Record<string, unknown>)[name] : undefined;
  }) as HelperFn),
  indent: spec(
    1,
    2,
    "{{indent text 4}}: prefixes every non-empty line with n spaces (default 2)",
    function indent(value: unknown, widthOrOptions: unknown, maybeOptions?: unknown) {
      const hasWidth = maybeOptions !== undefined;
      const options = (hasWidth ? maybeOptions : widthOrOptions) as Options;
      const body = text("indent", required("indent", value, 0, options), options);
      const width = hasWidth ? integer("indent", required("indent", widthOrOptions, 1, options), options) : 2;
      const pad = " ".repeat(width);
      return body
        .split("\n")
        .map((line) => (line === "" ? line : pad + line))
        .join("\n");
    } as HelperFn,
  ),
};
