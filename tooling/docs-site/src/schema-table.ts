import type { JsonSchema } from "@promptreg/registry";
import { escapeHtml, htmlBlock } from "./html.js";

/** One row of a schema table: a property, or an item of an array property, flattened with its path. */
export interface SchemaRow {
  /** `ticket`, `messages[].author`, `tables[].columns[].name`. */
  field: string;
  type: string;
  required: boolean;
  description: string;
  enumValues: string[];
  /** Human-readable constraints: `maxLength 20000`, `1-5 items`, `format date`, `no other properties`. */
  constraints: string[];
  /** JSON of the default value, when there is one. */
  defaultValue?: string;
}

const asSchema = (value: unknown): JsonSchema | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonSchema) : undefined;

/** A short type: `string`, `"free" | "pro"`, `{author, body}[]`, `string (date)`, `integer | null`. */
export function describeType(schema: JsonSchema): string {
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value)).join(" | ");
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string | undefined];
  return types
    .map((type) => {
      if (type === undefined) return "any";
      if (type === "array") {
        const items = asSchema(schema.items);
        const inner = items ? describeType(items) : "any";
        return inner.includes(" ") && !inner.startsWith("{") ? `(${inner})[]` : `${inner}[]`;
      }
      if (type === "object") {
        const properties = Object.keys(asSchema(schema.properties) ?? {});
        return properties.length ? `{${properties.join(", ")}}` : "object";
      }
      if (type === "string" && typeof schema.format === "string") return `string (${schema.format})`;
      return type;
    })
    .join(" | ");
}

function range(min: unknown, max: unknown, unit: string): string | undefined {
  const has = (value: unknown) => typeof value === "number";
  if (has(min) && has(max)) return min === max ? `exactly ${min}${unit}` : `${min}-${max}${unit}`;
  if (has(min)) return `at least ${min}${unit}`;
  if (has(max)) return `at most ${max}${unit}`;
  return undefined;
}

/** The constraints of one schema node that a caller must respect, in words. */
export function describeConstraints(schema: JsonSchema): string[] {
  const constraints = [
    range(schema.minLength, schema.maxLength, " characters"),
    range(schema.minItems, schema.maxItems, " items"),
    range(schema.minProperties, schema.maxProperties, " properties"),
  ];
  if (typeof schema.minimum === "number") constraints.push(`>= ${schema.minimum}`);
  if (typeof schema.exclusiveMinimum === "number") constraints.push(`> ${schema.exclusiveMinimum}`);
  if (typeof schema.maximum === "number") constraints.push(`<= ${schema.maximum}`);
  if (typeof schema.exclusiveMaximum === "number") constraints.push(`< ${schema.exclusiveMaximum}`);
  if (typeof schema.multipleOf === "number") constraints.push(`multiple of ${schema.multipleOf}`);
  if (typeof schema.pattern === "string") constraints.push(`matches /${schema.pattern}/`);
  if (typeof schema.format === "string") constraints.push(`format ${schema.format}`);
  if (schema.uniqueItems === true) constraints.push("unique items");
  if (schema.additionalProperties === false) constraints.push("no other properties");
  return constraints.filter((text): text is string => text !== undefined);
}

/**
 * Flattens an object schema into rows: each property, then the properties of nested objects and of array items
 * (`messages[].author`). Depth is bounded by the schema itself, which the registry already bounds when loading.
 */
export function schemaRows(schema: JsonSchema, prefix = ""): SchemaRow[] {
  const properties = asSchema(schema.properties) ?? {};
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const rows: SchemaRow[] = [];
  for (const [name, value] of Object.entries(properties)) {
    const child = asSchema(value) ?? {};
    const field = `${prefix}${name}`;
    rows.push({
      field,
      type: describeType(child),
      required: required.has(name),
      description: typeof child.description === "string" ? child.description : "",
      enumValues: Array.isArray(child.enum) ? child.enum.map((entry) => JSON.stringify(entry)) : [],
      constraints: describeConstraints(child),
      ...(child.default === undefined ? {} : { defaultValue: JSON.stringify(child.default) }),
    });
    rows.push(...nestedRows(child, field));
  }
  return rows;
}

function nestedRows(schema: JsonSchema, field: string): SchemaRow[] {
  if (asSchema(schema.properties)) return schemaRows(schema, `${field}.`);
  const items = asSchema(schema.items);
  if (!items) return [];
  const itemConstraints = describeConstraints(items);
  const itemRow: SchemaRow[] =
    asSchema(items.properties) || (itemConstraints.length === 0 && !Array.isArray(items.enum))
      ? []
      : [
          {
            field: `${field}[]`,
            type: describeType(items),
            required: false,
            description: typeof items.description === "string" ? items.description : "each item",
            enumValues: Array.isArray(items.enum) ? items.enum.map((entry) => JSON.stringify(entry)) : [],
            constraints: itemConstraints,
          },
        ];
  return [...itemRow, ...nestedRows(items, `${field}[]`)];
}

const code = (text: string) => `<code>${escapeHtml(text)}</code>`;

/** The rows as an HTML table (field, type, required, description, enum values, constraints, default). */
export function schemaTableHtml(rows: SchemaRow[], options: { caption?: string } = {}): string {
  const header = ["field", "type", "required", "description", "enum values", "constraints", "default"]
    .map((name) => `<th>${name}</th>`)
    .join("");
  const body = rows
    .map((row) => {
      const cells = [
        code(row.field),
        escapeHtml(row.type),
        row.required ? "yes" : "no",
        escapeHtml(row.description),
        row.enumValues.map(code).join(" "),
        escapeHtml(row.constraints.join(", ")),
        row.defaultValue === undefined ? "" : code(row.defaultValue),
      ];
      return `<tr>${cells.map((cell) => `<td>${cell}</td>`).join("")}</tr>`;
    })
    .join("");
  const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : "";
  return htmlBlock(
    "table",
    { class: "schema-table" },
    `${caption}<thead><tr>${header}</tr></thead><tbody>${body}</tbody>`,
  );
}
