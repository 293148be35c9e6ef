import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { templateFileJsonSchema } from "./template-file-schema.js";

/** Where the editor schema lives: `<repo>/schemas/template.schema.json`. */
export const TEMPLATE_SCHEMA_PATH = fileURLToPath(
  new URL("../../../schemas/template.schema.json", import.meta.url),
);

/** The exact text of schemas/template.schema.json as generated from `templateFileSchema`. */
export function templateSchemaFileText(): string {
  return `${JSON.stringify(templateFileJsonSchema(), null, 2)}\n`;
}

/** Regenerates schemas/template.schema.json (`pnpm --filter @promptreg/registry gen:schema`). */
export async function writeTemplateSchemaFile(path = TEMPLATE_SCHEMA_PATH): Promise<string> {
  await writeFile(path, templateSchemaFileText(), "utf8");
  return path;
}

/** The committed schema file parsed, for the freshness test. */
export async function readTemplateSchemaFile(path = TEMPLATE_SCHEMA_PATH): Promise<unknown> {
  return JSON.parse(await readFile(path, "utf8"));
}
