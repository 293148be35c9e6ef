import { readFile } from "node:fs/promises";
import path from "node:path";
import { loadConfigFile, type PolicyConfig, withTemplateRoot } from "@promptreg/policy";
import { checkDirectory } from "./template-dir.js";

/** Where a command finds the repository's promptreg files, after promptreg.config.yaml and the flags. */
export interface RepositoryContext {
  /** The repository's settings, with paths relative to `baseDir` ("/"-separated) and following `--dir`. */
  config: PolicyConfig;
  /** The directory the config's paths are relative to: the repository root holding the config, else the cwd. */
  baseDir: string;
  /** Absolute template root. */
  root: string;
  /** `--dir` as typed, or the config's template path relative to the cwd, for messages. */
  dir: string;
}

/**
 * Reads promptreg.config.yaml (`--config`, else the nearest one up to the repository root) and resolves the
 * template root: `--dir` when given (relative to the cwd), else the config's `templates` (relative to the config).
 */
export async function resolveRepository(options: {
  cwd: string;
  dir: string | undefined;
  configFile: string | undefined;
}): Promise<RepositoryContext> {
  const { cwd } = options;
  const loaded = await loadConfigFile({
    cwd,
    ...(options.configFile === undefined ? {} : { file: options.configFile }),
  });
  const root =
    options.dir === undefined
      ? path.resolve(loaded.baseDir, loaded.config.paths.templates)
      : path.resolve(cwd, options.dir);
  const dir = options.dir ?? (path.relative(cwd, root).split(path.sep).join("/") || ".");
  await checkDirectory({ absolute: root, dir });
  const relativeRoot = path.relative(loaded.baseDir, root).split(path.sep).join("/") || ".";
  return { config: withTemplateRoot(loaded.config, relativeRoot), baseDir: loaded.baseDir, root, dir };
}

/** A config path (relative to `baseDir`) as an absolute path. */
export function repositoryPath(context: RepositoryContext, relative: string): string {
  return path.resolve(context.baseDir, ...relative.split("/"));
}

/** A config path as a path relative to the template root, the way findings name files. */
export function rootRelative(context: RepositoryContext, relative: string): string {
  return path.relative(context.root, repositoryPath(context, relative)).split(path.sep).join("/");
}

/** The text of a file, or undefined when it does not exist (other read errors are thrown). */
export async function readOptionalFile(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return undefined;
    throw error;
  }
}
