import path from "node:path";
import type { StoreError } from "@promptreg/registry";
import { TemplatesUnreadableError } from "./errors/templates-unreadable-error.js";
import { displayPath } from "./template-dir.js";

const storeFixes: Record<StoreError["code"], string> = {
  root_not_found:
    "Pass --dir <the folder that holds <id>/<version>.yaml files> (usually templates/), or run from the repository root.",
  unsafe_path: "Template files must stay inside the template root: replace the symlink or rename the path.",
  file_too_large: "Split the file or move shared text into a partial under _partials/.",
  file_not_found: "The file disappeared while reading; run the command again.",
  store_read_failed: "Check the file's permissions and that it is a regular UTF-8 text file.",
  invalid_utf8: "Save the file as UTF-8 (the error names the first bad byte's line and column).",
};

/** A registry `StoreError` as a CLI error: the path relative to the cwd, what went wrong, and how to fix it. */
export function storeFailure(options: {
  error: StoreError;
  root: string;
  cwd: string;
  dir: string;
}): TemplatesUnreadableError {
  const { error, root, cwd, dir } = options;
  // root_not_found carries the absolute root; every other code a path relative to it.
  const shown =
    error.code === "root_not_found"
      ? path.relative(cwd, error.path) || "."
      : displayPath({ cwd, root, file: error.path });
  const what =
    error.code === "root_not_found"
      ? `template directory "${dir}" cannot be read: it does not exist or is not a directory.`
      : `cannot read "${shown}" in template directory "${dir}": ${error.reason}.`;
  return new TemplatesUnreadableError({
    storeCode: error.code,
    dir,
    path: shown,
    message: `${what} ${storeFixes[error.code]} [${error.code}]`,
    cause: error,
  });
}
