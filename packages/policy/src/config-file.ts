import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { CONFIG_FILE_NAME, defaultConfig, type PolicyConfig, parseConfig } from "./config.js";
import { ConfigError } from "./errors/config-error.js";

export interface LoadedConfig {
  config: PolicyConfig;
  /**
   * The directory the config's paths are relative to: the repository root holding the config file (the nearest
   * folder above it with `.git`), else the config file's folder; `cwd` when the defaults are used.
   */
  baseDir: string;
  /** Absolute path of the file read; undefined when the defaults are used. */
  file?: string;
}

async function exists(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined)) !== undefined;
}

/** The nearest folder at or above `dir` that holds `.git`, if any. */
export async function findRepositoryRoot(dir: string): Promise<string | undefined> {
  let current = path.resolve(dir);
  for (;;) {
    if (await exists(path.join(current, ".git"))) return current;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/**
 * Finds promptreg.config.yaml: in `cwd`, then in each parent up to the repository root (the nearest folder
 * holding `.git`). Outside a repository only `cwd` is searched, so a stray file in a shared parent (such as the
 * temp folder) is never picked up.
 */
export async function findConfigFile(cwd: string): Promise<string | undefined> {
  const candidates: string[] = [];
  let current = path.resolve(cwd);
  for (;;) {
    candidates.push(path.join(current, CONFIG_FILE_NAME));
    if (await exists(path.join(current, ".git"))) break;
    const parent = path.dirname(current);
    if (parent === current) return (await exists(candidates[0]!)) ? candidates[0] : undefined;
    current = parent;
  }
  for (const candidate of candidates) if (await exists(candidate)) return candidate;
  return undefined;
}

/**
 * Reads the repository's settings: `file` (as given on the command line, relative to `cwd`) or the file
 * `findConfigFile` finds, else the defaults. Throws `ConfigError` for a file that is missing (when named) or invalid.
 */
export async function loadConfigFile(options: { cwd: string; file?: string }): Promise<LoadedConfig> {
  const { cwd } = options;
  const file = options.file === undefined ? await findConfigFile(cwd) : path.resolve(cwd, options.file);
  if (file === undefined) return { config: defaultConfig(), baseDir: cwd };
  const shown = path.relative(cwd, file).split(path.sep).join("/") || CONFIG_FILE_NAME;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ConfigError({
      file: shown,
      problems: [
        {
          line: 1,
          column: 1,
          path: "",
          message:
            code === "ENOENT"
              ? "the file does not exist; check the --config path."
              : `cannot read the file (${code ?? String(error)}).`,
        },
      ],
    });
  }
  const baseDir = (await findRepositoryRoot(path.dirname(file))) ?? path.dirname(file);
  return { config: parseConfig({ text, file: shown }), baseDir, file };
}
