import { describe, expect, it } from "vitest";
import { TEMPLATE_FILE_KEYS, templateFileJsonSchema, templateFileSchema } from "./template-file-schema.js";
import { readTemplateSchemaFile, templateSchemaFileText } from "./template-schema-file.js";

describe("schemas/template.schema.json", () => {
  it("is up to date with templateFileSchema (regenerate: pnpm --filter @promptreg/registry gen:schema)", async () => {
    expect(await readTemplateSchemaFile()).toEqual(JSON.parse(templateSchemaFileText()));
  });

  it("describes every top-level key, forbids unknown ones and requires messages or prompt", () => {
    const schema = templateFileJsonSchema() as {
      properties: Record<string, unknown>;
      additionalProperties: boolean;
      required: string[];
      oneOf: unknown[];
    };
    expect(Object.keys(schema.properties).sort()).toEqual([...TEMPLATE_FILE_KEYS].sort());
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(
      expect.arrayContaining(["id", "version", "description", "owners", "changelog", "model", "input"]),
    );
    expect(schema.oneOf).toEqual([{ required: ["messages"] }, { required: ["prompt"] }]);
  });

  it("accepts a complete template file and rejects an unknown key (the zod schema itself)", () => {
    const file = {
      id: "a/b",
      version: "1.0.0",
      description: "d",
      owners: ["o"],
      changelog: "c",
      model: { name: "openai/gpt-4o-mini", params: { temperature: 0.2, custom: true } },
      input: { type: "object", properties: { x: { type: "string", enum: ["a"] } }, required: ["x"] },
      prompt: "{{x}}",
    };
    expect(templateFileSchema.safeParse(file).success).toBe(true);
    expect(templateFileSchema.safeParse({ ...file, extra: 1 }).success).toBe(false);
    expect(templateFileSchema.safeParse({ ...file, model: { name: "gpt4" } }).success).toBe(false);
  });
});
