import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { createBundle, type Registry } from "@promptreg/registry";
import { generateTemplateTypes } from "@promptreg/typegen";

export const defaultOutDir = "dist/promptreg";

/** Writes `bundle.json` and `templates.d.ts` into `outDir` (created if needed); returns the absolute paths. */
export async function writeBuildOutput(options: {
  registry: Registry;
  outDir: string;
}): Promise<{ bundle: string; types: string }> {
  const { registry, outDir } = options;
  const bundle = path.join(outDir, "bundle.json");
  const types = path.join(outDir, "templates.d.ts");
  const typesSource = await generateTemplateTypes(registry);
  await mkdir(outDir, { recursive: true });
  await writeFile(bundle, `${JSON.stringify(createBundle(registry), null, 2)}\n`, "utf8");
  await writeFile(types, typesSource, "utf8");
  return { bundle, types };
}
