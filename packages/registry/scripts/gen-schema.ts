// Regenerates schemas/template.schema.json from the zod schema of the template file format.
// Run: pnpm --filter @promptreg/registry gen:schema
import { writeTemplateSchemaFile } from "../src/template-schema-file.js";

const written = await writeTemplateSchemaFile();
console.log(`wrote ${written}`);
