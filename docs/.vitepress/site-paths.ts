import path from "node:path";
import { fileURLToPath } from "node:url";

/** docs/ */
export const DOCS_DIR = fileURLToPath(new URL("..", import.meta.url));
export const REPO_ROOT = path.dirname(path.resolve(DOCS_DIR));
/** The template tree the catalog is generated from; PROMPTREG_DOCS_TEMPLATES_DIR points tests at a copy. */
export const TEMPLATES_DIR = path.resolve(REPO_ROOT, process.env.PROMPTREG_DOCS_TEMPLATES_DIR || "templates");
