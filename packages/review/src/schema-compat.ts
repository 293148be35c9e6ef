import { canonicalJson, type JsonSchema } from "@promptreg/registry";

/**
 * What one schema change does to the set of values the schema accepts. Input and output are judged from the same
 * two facts, mirrored: an input change is breaking when it `narrows` (a value callers could send is refused now); an
 * output change is breaking when it `widens` (callers may receive a value they could not before, e.g. an unknown
 * key of a closed object, a missing field, a new enum value). A change that does both is breaking either way;
 * annotations (`description`, `title`, `default`) do neither.
 */
export interface SchemaChange {
  /** Where, as a readable path from the schema root: `customer.name`, `tags[]`, `(root)`. */
  path: string;
  kind: SchemaChangeKind;
  /** `maxLength 5000 -> 2000`, `enum value "pro" removed`, ... */
  detail: string;
  narrows: boolean;
  widens: boolean;
}

export const SCHEMA_CHANGE_KINDS = {
  TYPE: "type",
  ENUM: "enum",
  CONSTRAINT: "constraint",
  PATTERN: "pattern",
  FORMAT: "format",
  PROPERTY_ADDED: "property_added",
  PROPERTY_REMOVED: "property_removed",
  REQUIRED: "required",
  ADDITIONAL_PROPERTIES: "additional_properties",
  ITEMS: "items",
  SCHEMA: "schema",
  ANNOTATION: "annotation",
} as const;

export type SchemaChangeKind = (typeof SCHEMA_CHANGE_KINDS)[keyof typeof SCHEMA_CHANGE_KINDS];

/** Which side of the contract a schema is: what callers send (`input`) or what they receive (`output`). */
export type SchemaSide = "input" | "output";

/** Whether a change breaks callers of `side` (see `SchemaChange`). */
export function isBreaking(change: Pick<SchemaChange, "narrows" | "widens">, side: SchemaSide): boolean {
  return side === "input" ? change.narrows : change.widens;
}

const LOWER_BOUNDS = ["minimum", "exclusiveMinimum", "minLength", "minItems"] as const;
const UPPER_BOUNDS = ["maximum", "exclusiveMaximum", "maxLength", "maxItems"] as const;
const ANNOTATIONS = ["description", "title", "default"] as const;

type Schema = JsonSchema;

function typesOf(schema: Schema): string[] | undefined {
  if (schema.type === undefined) return undefined;
  return Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
}

/** A type is still accepted when the other side lists it, or `number` where `integer` was. */
function covers(types: readonly string[], type: string): boolean {
  return types.includes(type) || (type === "integer" && types.includes("number"));
}

/** The allowed values as canonical JSON, when the schema lists them (`enum` or `const`). */
function allowedValues(schema: Schema): Map<string, unknown> | undefined {
  if (schema.const !== undefined) return new Map([[canonicalJson(schema.const), schema.const]]);
  if (Array.isArray(schema.enum)) return new Map(schema.enum.map((value) => [canonicalJson(value), value]));
  return undefined;
}

function isRecord(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function shown(path: string): string {
  return path === "" ? "(root)" : path;
}

/** A schema that accepts any value: no keyword but annotations. */
function acceptsAnything(schema: Schema): boolean {
  return Object.keys(schema).every((key) => (ANNOTATIONS as readonly string[]).includes(key));
}

/**
 * Every difference between two normalised schemas of the documented subset, each with its effect on the accepted
 * values. Exact for single-keyword changes; where a change cannot be judged exactly (a new `pattern` or `format`
 * replacing another) it is reported as both narrowing and widening, so it counts as breaking on either side.
 */
export function compareSchemas(before: Schema | undefined, after: Schema | undefined): SchemaChange[] {
  const changes: SchemaChange[] = [];
  if (before === undefined && after === undefined) return changes;
  if (before === undefined || after === undefined) {
    changes.push({
      path: "(root)",
      kind: "schema",
      detail: before === undefined ? "schema declared" : "schema removed",
      narrows: true,
      widens: true,
    });
    return changes;
  }
  compareAt({ before, after, path: "", changes });
  return changes;
}

function compareAt(options: { before: Schema; after: Schema; path: string; changes: SchemaChange[] }): void {
  const { before, after, path, changes } = options;
  const add = (kind: SchemaChangeKind, detail: string, effect: { narrows: boolean; widens: boolean }) =>
    changes.push({ path: shown(path), kind, detail, ...effect });

  const typesBefore = typesOf(before);
  const typesAfter = typesOf(after);
  if (canonicalJson(typesBefore ?? null) !== canonicalJson(typesAfter ?? null)) {
    const removed = typesBefore?.filter((type) => !typesAfter || !covers(typesAfter, type)) ?? [];
    const added = typesAfter?.filter((type) => !typesBefore || !covers(typesBefore, type)) ?? [];
    add("type", `type ${describeTypes(typesBefore)} -> ${describeTypes(typesAfter)}`, {
      // No type on one side means any type (the schema is restricted by enum/const instead).
      narrows: removed.length > 0 || (typesBefore === undefined && typesAfter !== undefined),
      widens: added.length > 0 || (typesAfter === undefined && typesBefore !== undefined),
    });
  }

  const valuesBefore = allowedValues(before);
  const valuesAfter = allowedValues(after);
  if (valuesBefore || valuesAfter) {
    const removed = valuesBefore ? [...valuesBefore.keys()].filter((key) => !valuesAfter?.has(key)) : [];
    const added = valuesAfter ? [...valuesAfter.keys()].filter((key) => !valuesBefore?.has(key)) : [];
    if (!valuesBefore)
      add("enum", `values restricted to ${[...valuesAfter!.keys()].join(", ")}`, {
        narrows: true,
        widens: false,
      });
    else if (!valuesAfter) add("enum", "value restriction removed", { narrows: false, widens: true });
    else {
      if (removed.length > 0)
        add("enum", `value${removed.length > 1 ? "s" : ""} ${removed.join(", ")} removed`, {
          narrows: true,
          widens: false,
        });
      if (added.length > 0)
        add("enum", `value${added.length > 1 ? "s" : ""} ${added.join(", ")} added`, {
          narrows: false,
          widens: true,
        });
    }
  }

  for (const keyword of LOWER_BOUNDS) compareBound({ keyword, lower: true, before, after, add });
  for (const keyword of UPPER_BOUNDS) compareBound({ keyword, lower: false, before, after, add });

  for (const keyword of ["pattern", "format"] as const) {
    const was = before[keyword];
    const is = after[keyword];
    if (was === is) continue;
    add(
      keyword,
      `${keyword} ${was === undefined ? "(none)" : JSON.stringify(was)} -> ${is === undefined ? "(none)" : JSON.stringify(is)}`,
      {
        narrows: is !== undefined,
        widens: was !== undefined,
      },
    );
  }

  for (const keyword of ANNOTATIONS) {
    if (canonicalJson(before[keyword] ?? null) === canonicalJson(after[keyword] ?? null)) continue;
    add("annotation", `${keyword} changed`, { narrows: false, widens: false });
  }

  if (isRecord(before.properties) || isRecord(after.properties))
    compareObject({ before, after, path, changes });

  const itemsBefore = isRecord(before.items) ? before.items : undefined;
  const itemsAfter = isRecord(after.items) ? after.items : undefined;
  if (itemsBefore && itemsAfter)
    compareAt({ before: itemsBefore, after: itemsAfter, path: `${path}[]`, changes });
  else if (itemsBefore && !acceptsAnything(itemsBefore))
    add("items", "item schema removed", { narrows: false, widens: true });
  else if (itemsAfter && !acceptsAnything(itemsAfter))
    add("items", "item schema added", { narrows: true, widens: false });
}

function compareBound(options: {
  keyword: string;
  lower: boolean;
  before: Schema;
  after: Schema;
  add: (kind: SchemaChangeKind, detail: string, effect: { narrows: boolean; widens: boolean }) => void;
}): void {
  const { keyword, lower, before, after, add } = options;
  const was = typeof before[keyword] === "number" ? (before[keyword] as number) : undefined;
  const is = typeof after[keyword] === "number" ? (after[keyword] as number) : undefined;
  if (was === is) return;
  // A lower bound that rises, or an upper bound that falls (or appears), refuses values accepted before.
  const tighter = was === undefined ? true : is === undefined ? false : lower ? is > was : is < was;
  add(
    "constraint",
    `${keyword} ${was ?? "(none)"} -> ${is ?? "(none)"} (${tighter ? "tightened" : "loosened"})`,
    {
      narrows: tighter,
      widens: !tighter,
    },
  );
}

function compareObject(options: {
  before: Schema;
  after: Schema;
  path: string;
  changes: SchemaChange[];
}): void {
  const { before, after, path, changes } = options;
  const propsBefore = isRecord(before.properties) ? before.properties : {};
  const propsAfter = isRecord(after.properties) ? after.properties : {};
  const requiredBefore = new Set(Array.isArray(before.required) ? (before.required as string[]) : []);
  const requiredAfter = new Set(Array.isArray(after.required) ? (after.required as string[]) : []);
  const openBefore = before.additionalProperties === true;
  const openAfter = after.additionalProperties === true;
  const add = (
    at: string,
    kind: SchemaChangeKind,
    detail: string,
    effect: { narrows: boolean; widens: boolean },
  ) => changes.push({ path: shown(at), kind, detail, ...effect });

  if (openBefore !== openAfter) {
    add(
      path,
      "additional_properties",
      openAfter
        ? "additionalProperties opened (unknown keys accepted)"
        : "additionalProperties closed (unknown keys refused)",
      {
        narrows: !openAfter,
        widens: openAfter,
      },
    );
  }
  const names = [...new Set([...Object.keys(propsBefore), ...Object.keys(propsAfter)])].sort();
  for (const name of names) {
    const at = join(path, name);
    const was = propsBefore[name];
    const is = propsAfter[name];
    if (isRecord(was) && isRecord(is)) {
      compareAt({ before: was, after: is, path: at, changes });
    } else if (isRecord(was)) {
      // The key now falls to additionalProperties: anything when open, refused when closed.
      add(
        at,
        "property_removed",
        openAfter ? "property removed (any value accepted as an extra key)" : "property removed",
        {
          narrows: !openAfter,
          widens: openAfter && !acceptsAnything(was),
        },
      );
    } else if (isRecord(is)) {
      add(at, "property_added", `property added${requiredAfter.has(name) ? " (required)" : " (optional)"}`, {
        narrows: openBefore && !acceptsAnything(is),
        widens: !openBefore,
      });
    }
    const wasRequired = requiredBefore.has(name);
    const isRequired = requiredAfter.has(name);
    if (wasRequired !== isRequired && (isRecord(was) || isRecord(is))) {
      add(at, "required", isRequired ? "now required" : "now optional", {
        narrows: isRequired,
        widens: !isRequired,
      });
    }
  }
}

function describeTypes(types: readonly string[] | undefined): string {
  if (types === undefined) return "(any)";
  return types.length === 1 ? types[0]! : `[${types.join(", ")}]`;
}
