import { type JsonSchema, normalizeSchema } from "@promptreg/registry";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareSchemas, isBreaking, type SchemaChange } from "./schema-compat.js";

type Node = Record<string, unknown>;

const leaf: fc.Arbitrary<Node> = fc.oneof(
  fc.record(
    {
      type: fc.constantFrom<unknown>("string", ["string", "null"]),
      minLength: fc.integer({ min: 0, max: 5 }),
      maxLength: fc.integer({ min: 10, max: 100 }),
      pattern: fc.constant("^[a-z]+$"),
      enum: fc.uniqueArray(fc.constantFrom("a", "b", "c", "d"), { minLength: 1, maxLength: 3 }),
      description: fc.constantFrom("x", "y"),
    },
    { requiredKeys: ["type"] },
  ),
  fc.record(
    {
      type: fc.constantFrom<unknown>("integer", "number", ["number", "null"]),
      minimum: fc.integer({ min: -10, max: 0 }),
      maximum: fc.integer({ min: 10, max: 100 }),
    },
    { requiredKeys: ["type"] },
  ),
  fc.constant<Node>({ type: "boolean" }),
);

const schemaArb: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.record({ type: fc.constant("array"), items: tie("node"), maxItems: fc.integer({ min: 1, max: 9 }) }),
    fc
      .dictionary(fc.constantFrom("p", "q", "r", "s"), tie("node"), { minKeys: 0, maxKeys: 3 })
      .chain((properties) =>
        fc.record({
          type: fc.constant("object"),
          properties: fc.constant(properties),
          required: fc.subarray(Object.keys(properties)),
          additionalProperties: fc.boolean(),
        }),
      ),
  ),
})).node;

/** Every schema node with a setter, so a mutation can replace one node of a clone. */
function nodes(root: Node): Node[] {
  const found: Node[] = [root];
  const properties = root.properties as Record<string, Node> | undefined;
  for (const child of Object.values(properties ?? {})) found.push(...nodes(child));
  if (root.items) found.push(...nodes(root.items as Node));
  return found;
}

/** A change to one schema node, applied only where `when` holds. */
interface Mutation {
  when: (node: Node) => boolean;
  apply: (node: Node) => void;
}

const types = (node: Node): string[] =>
  Array.isArray(node.type) ? [...(node.type as string[])] : [node.type as string];
const required = (node: Node): string[] => (node.required as string[] | undefined) ?? [];
const properties = (node: Node): Record<string, Node> | undefined =>
  node.properties as Record<string, Node> | undefined;
const firstOptional = (node: Node) =>
  Object.keys(properties(node) ?? {}).find((key) => !required(node).includes(key));

/** Changes that only let more values through. */
const WIDEN: Mutation[] = [
  {
    when: (n) => !types(n).includes("null"),
    apply: (n) => {
      n.type = [...types(n), "null"];
    },
  },
  {
    when: (n) => n.type === "integer",
    apply: (n) => {
      n.type = "number";
    },
  },
  {
    when: (n) => Array.isArray(n.enum),
    apply: (n) => {
      n.enum = [...(n.enum as string[]), "zz"];
    },
  },
  {
    when: (n) => Array.isArray(n.enum),
    apply: (n) => {
      delete n.enum;
    },
  },
  {
    when: (n) => typeof n.maxLength === "number",
    apply: (n) => {
      n.maxLength = (n.maxLength as number) + 5;
    },
  },
  {
    when: (n) => typeof n.minLength === "number" && n.minLength > 0,
    apply: (n) => {
      n.minLength = (n.minLength as number) - 1;
    },
  },
  {
    when: (n) => typeof n.minimum === "number",
    apply: (n) => {
      delete n.minimum;
    },
  },
  {
    when: (n) => typeof n.maxItems === "number",
    apply: (n) => {
      delete n.maxItems;
    },
  },
  {
    when: (n) => n.pattern !== undefined,
    apply: (n) => {
      delete n.pattern;
    },
  },
  {
    when: (n) => required(n).length > 0,
    apply: (n) => {
      n.required = required(n).slice(1);
    },
  },
  {
    when: (n) => n.additionalProperties === false,
    apply: (n) => {
      n.additionalProperties = true;
    },
  },
  {
    when: (n) => properties(n) !== undefined && n.additionalProperties === false && !properties(n)!.added,
    apply: (n) => {
      properties(n)!.added = { type: "string" };
    },
  },
];

/** Changes that only refuse values accepted before. */
const NARROW: Mutation[] = [
  {
    when: (n) => Array.isArray(n.type) && n.type.length > 1,
    apply: (n) => {
      n.type = types(n).filter((t) => t !== "null");
    },
  },
  {
    when: (n) => n.type === "number",
    apply: (n) => {
      n.type = "integer";
    },
  },
  {
    when: (n) => Array.isArray(n.enum) && n.enum.length > 1,
    apply: (n) => {
      n.enum = (n.enum as string[]).slice(1);
    },
  },
  {
    when: (n) => n.type === "string" && n.enum === undefined,
    apply: (n) => {
      n.enum = ["a", "b"];
    },
  },
  {
    when: (n) => typeof n.maxLength === "number",
    apply: (n) => {
      n.maxLength = (n.maxLength as number) - 1;
    },
  },
  {
    when: (n) => n.type === "string" && n.minLength === undefined,
    apply: (n) => {
      n.minLength = 1;
    },
  },
  {
    when: (n) => typeof n.maximum === "number",
    apply: (n) => {
      n.maximum = (n.maximum as number) - 1;
    },
  },
  {
    when: (n) => n.type === "array" && n.minItems === undefined,
    apply: (n) => {
      n.minItems = 1;
    },
  },
  {
    when: (n) => n.type === "string" && n.pattern === undefined,
    apply: (n) => {
      n.pattern = "^x";
    },
  },
  {
    when: (n) => firstOptional(n) !== undefined,
    apply: (n) => {
      n.required = [...required(n), firstOptional(n)!];
    },
  },
  {
    when: (n) => n.additionalProperties === true,
    apply: (n) => {
      n.additionalProperties = false;
    },
  },
  {
    when: (n) => firstOptional(n) !== undefined && n.additionalProperties === false,
    apply: (n) => {
      delete properties(n)![firstOptional(n)!];
    },
  },
];

/** Applies one mutation of `set` to some node of a copy, or returns undefined when none applies. */
function mutate(schema: Node, set: Mutation[], picks: number[]): Node | undefined {
  const copy = structuredClone(schema);
  const all = nodes(copy);
  for (let attempt = 0; attempt < all.length * set.length; attempt++) {
    const node = all[(picks[0]! + attempt) % all.length]!;
    const mutation = set[(picks[1]! + Math.floor(attempt / all.length)) % set.length]!;
    if (mutation.when(node)) {
      mutation.apply(node);
      return copy;
    }
  }
  return undefined;
}

function normalized(schema: Node): JsonSchema {
  const { schema: out, issues } = normalizeSchema(schema, { root: "output" });
  expect(issues).toEqual([]);
  return out;
}

const any = (changes: SchemaChange[], key: "narrows" | "widens") => changes.some((change) => change[key]);
const picks = fc.tuple(fc.nat(50), fc.nat(50));
const steps = fc.array(picks, { minLength: 1, maxLength: 4 });

describe("compareSchemas properties", () => {
  it("a schema compared with itself has no changes", () => {
    fc.assert(
      fc.property(schemaArb, (schema) => {
        expect(compareSchemas(normalized(schema), normalized(schema))).toEqual([]);
      }),
    );
  });

  it("changes that only widen what callers may send are compatible for input and breaking for output", () => {
    fc.assert(
      fc.property(schemaArb, steps, (schema, chosen) => {
        let after: Node = schema;
        for (const pick of chosen) after = mutate(after, WIDEN, pick) ?? after;
        fc.pre(after !== schema);
        const changes = compareSchemas(normalized(schema), normalized(after));
        expect(any(changes, "narrows")).toBe(false);
        expect(any(changes, "widens")).toBe(true);
        expect(changes.some((change) => isBreaking(change, "input"))).toBe(false);
        expect(changes.some((change) => isBreaking(change, "output"))).toBe(true);
      }),
    );
  });

  it("changes that only narrow what callers may send are breaking for input and compatible for output", () => {
    fc.assert(
      fc.property(schemaArb, steps, (schema, chosen) => {
        let after: Node = schema;
        for (const pick of chosen) after = mutate(after, NARROW, pick) ?? after;
        fc.pre(after !== schema);
        const changes = compareSchemas(normalized(schema), normalized(after));
        expect(any(changes, "narrows")).toBe(true);
        expect(any(changes, "widens")).toBe(false);
        expect(changes.some((change) => isBreaking(change, "input"))).toBe(true);
        expect(changes.some((change) => isBreaking(change, "output"))).toBe(false);
      }),
    );
  });

  it("is mirrored: what narrows from a to b widens from b to a, for any two schemas", () => {
    fc.assert(
      fc.property(schemaArb, schemaArb, (a, b) => {
        const forward = compareSchemas(normalized(a), normalized(b));
        const backward = compareSchemas(normalized(b), normalized(a));
        expect(any(forward, "narrows")).toBe(any(backward, "widens"));
        expect(any(forward, "widens")).toBe(any(backward, "narrows"));
      }),
    );
  });
});

describe("compareSchemas examples", () => {
  const input = (properties: Record<string, unknown>, required: string[] = []) =>
    normalizeSchema({ type: "object", properties, required }, { root: "input" }).schema;

  it("names the path and what changed", () => {
    const changes = compareSchemas(
      input({ ticket: { type: "string", maxLength: 5000 }, tier: { type: "string", enum: ["free", "pro"] } }),
      input({ ticket: { type: "string", maxLength: 2000 }, tier: { type: "string", enum: ["free"] } }),
    );
    expect(changes).toEqual([
      {
        path: "ticket",
        kind: "constraint",
        detail: "maxLength 5000 -> 2000 (tightened)",
        narrows: true,
        widens: false,
      },
      { path: "tier", kind: "enum", detail: 'value "pro" removed', narrows: true, widens: false },
    ]);
  });

  it("a renamed field is breaking on both sides", () => {
    const changes = compareSchemas(
      input({ summary: { type: "string" } }, ["summary"]),
      input({ abstract: { type: "string" } }, ["abstract"]),
    );
    expect(changes.map((change) => `${change.path} ${change.kind}`)).toEqual([
      "abstract property_added",
      "abstract required",
      "summary property_removed",
      "summary required",
    ]);
    expect(changes.some((change) => isBreaking(change, "input"))).toBe(true);
    expect(changes.some((change) => isBreaking(change, "output"))).toBe(true);
  });

  it("descriptions are annotations: neither side breaks", () => {
    const changes = compareSchemas(
      input({ a: { type: "string", description: "old" } }),
      input({ a: { type: "string", description: "new" } }),
    );
    expect(changes).toEqual([
      { path: "a", kind: "annotation", detail: "description changed", narrows: false, widens: false },
    ]);
  });

  it("declaring or dropping an output schema changes what callers receive", () => {
    expect(compareSchemas(undefined, { type: "string" })).toEqual([
      expect.objectContaining({ kind: "schema", narrows: true, widens: true }),
    ]);
    expect(compareSchemas(undefined, undefined)).toEqual([]);
  });
});
