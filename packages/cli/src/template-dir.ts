import { stat } from "node:fs/promises";
import path from "node:path";
import { TemplateDirError } from "./errors/template-dir-error.js";

export const defaultTemplateDir = "templates";

/** Resolves `--dir` against the caller's cwd and checks it is an existing directory. */
export async function resolveTemplateDir(options: { cwd: string; dir: string | undefined }): Promise<string> {
  const dir = options.dir ?? defaultTemplateDir;
  const absolute = path.resolve(options.cwd, dir);
  await checkDirectory({ absolute, dir });
  return absolute;
}

/** Throws `TemplateDirError` unless `absolute` is an existing directory; `dir` is how the user named it. */
export async function checkDirectory(options: { absolute: string; dir: string }): Promise<void> {
  const info = await stat(options.absolute).catch(() => undefined);
  if (info === undefined) throw new TemplateDirError({ dir: options.dir, reason: "missing" });
  if (!info.isDirectory()) throw new TemplateDirError({ dir: options.dir, reason: "not_a_directory" });
}

/** A path under the template root, shown relative to the cwd the user runs from (forward slashes). */
export function displayPath(options: { cwd: string; root: string; file: string }): string {
  const relative = path.relative(options.cwd, path.resolve(options.root, options.file));
  return relative.split(path.sep).join("/");
}
