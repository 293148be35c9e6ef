import { describe, expect, it } from "vitest";
import { describeConstraints, describeType, schemaRows, schemaTableHtml } from "./schema-table.js";

const thread = {
  type: "object",
  properties: {
    messages: {
      type: "array",
      minItems: 1,
      maxItems: 200,
      description: "The thread, oldest first.",
      items: {
        type: "object",
        properties: {
          author: { type: "string", enum: ["customer", "agent"], description: "Who wrote it." },
          body: { type: "string", minLength: 1, maxLength: 10000 },
        },
        required: ["author", "body"],
      },
    },
    tags: { type: "array", items: { type: "string", maxLength: 30 }, uniqueItems: true },
    limit: { type: "integer", minimum: 1, maximum: 1000, default: 100, description: "Rows <= {{limit}}" },
    when: { type: "string", format: "date" },
    meta: { type: "object", properties: { source: { type: "string" } }, additionalProperties: false },
  },
  required: ["messages"],
};

describe("schemaRows", () => {
  it("flattens nested objects and array items into field paths with type, required, enum, constraints, default", () => {
    const rows = schemaRows(thread);
    expect(rows.map((row) => [row.field, row.type, row.required])).toEqual([
      ["messages", "{author, body}[]", true],
      ["messages[].author", '"customer" | "agent"', true],
      ["messages[].body", "string", true],
      ["tags", "string[]", false],
      ["tags[]", "string", false],
      ["limit", "integer", false],
      ["when", "string (date)", false],
      ["meta", "{source}", false],
      ["meta.source", "string", false],
    ]);
    const byField = Object.fromEntries(rows.map((row) => [row.field, row]));
    expect(byField.messages!.constraints).toEqual(["1-200 items"]);
    expect(byField["messages[].author"]!.enumValues).toEqual(['"customer"', '"agent"']);
    expect(byField["messages[].body"]!.constraints).toEqual(["1-10000 characters"]);
    expect(byField.tags!.constraints).toEqual(["unique items"]);
    expect(byField["tags[]"]!.constraints).toEqual(["at most 30 characters"]);
    expect(byField.limit).toMatchObject({ constraints: [">= 1", "<= 1000"], defaultValue: "100" });
    expect(byField.meta!.constraints).toEqual(["no other properties"]);
  });

  it("describes unions, consts and exclusive bounds", () => {
    expect(describeType({ type: ["string", "null"] })).toBe("string | null");
    expect(describeType({ const: "x" })).toBe('"x"');
    expect(describeType({ type: "array", items: { type: ["string", "integer"] } })).toBe(
      "(string | integer)[]",
    );
    expect(
      describeConstraints({ exclusiveMinimum: 0, exclusiveMaximum: 1, multipleOf: 0.5, pattern: "^a" }),
    ).toEqual(["> 0", "< 1", "multiple of 0.5", "matches /^a/"]);
  });

  it("renders an escaped, Vue-inert table", () => {
    const html = schemaTableHtml(schemaRows(thread));
    expect(html.startsWith('<table v-pre class="schema-table">')).toBe(true);
    expect(html).toContain("<td>Rows &lt;= {{limit}}</td>");
    expect(html).toContain("<td><code>100</code></td>");
    expect(html).not.toContain("\n");
  });
});
