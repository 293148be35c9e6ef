import { type GeneratedPage, loadSiteData, registryPages } from "@promptreg/docs-site";
import { TEMPLATES_DIR } from "./site-paths.js";

/** Reads templates/ afresh on every call, so the dev server shows edits. */
export async function generatedPages(): Promise<GeneratedPage[]> {
  const site = await loadSiteData({ templatesDir: TEMPLATES_DIR });
  return registryPages(site);
}
