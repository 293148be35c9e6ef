import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  apiReferencePage,
  benchmarkHistoryPage,
  type GeneratedPage,
  loadSiteData,
  parseBenchmarkHistory,
  registryPages,
} from "@promptreg/docs-site";
import { DOCS_DIR, TEMPLATES_DIR } from "./site-paths.js";

const HISTORY_FILE = path.join(DOCS_DIR, "benchmarks-history.jsonl");

/** Every generated page, read afresh on every call so the dev server shows edits to templates/. */
export async function generatedPages(): Promise<GeneratedPage[]> {
  const site = await loadSiteData({ templatesDir: TEMPLATES_DIR });
  const history = existsSync(HISTORY_FILE)
    ? parseBenchmarkHistory(readFileSync(HISTORY_FILE, "utf8"), "docs/benchmarks-history.jsonl")
    : [];
  return [
    ...registryPages(site),
    // From the same document the service serves at GET /openapi.json.
    { path: "api-reference", content: apiReferencePage() },
    { path: "benchmark-history", content: benchmarkHistoryPage(history) },
  ];
}
