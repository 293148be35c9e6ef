import path from "node:path";
import { loadRegistryFromDir, type Registry, RegistryLoadError, StoreError } from "@promptreg/registry";
import { parseCommandArgs } from "./args.js";
import { TemplatesInvalidError } from "./errors/templates-invalid-error.js";
import type { CliIo } from "./io.js";
import { type RepositoryContext, resolveRepository } from "./repository.js";
import { storeFailure } from "./store-failure.js";
import { defaultTemplateDir } from "./template-dir.js";
import { relativeProblems } from "./validation-report.js";

/**
 * Resolves `--dir` and loads the registry, turning load problems into a `TemplatesInvalidError` and store failures
 * into a `TemplatesUnreadableError` (both exit 1). Returns the absolute template root too, for showing file paths.
 * `load` is the registry loader (tests pass one to reach failures a pre-checked directory cannot produce).
 */
export async function loadTemplates(options: {
  cwd: string;
  dir: string | undefined;
  load?: (root: string) => Promise<Registry>;
}): Promise<{ registry: Registry; root: string }> {
  const { cwd, load = loadRegistryFromDir } = options;
  // The template root follows promptreg.config.yaml's `templates` unless --dir is given.
  const { root } = await resolveRepository({ cwd, dir: options.dir, configFile: undefined });
  try {
    return { registry: await load(root), root };
  } catch (error) {
    throw templateLoadFailure({ error, root, cwd, dir: options.dir });
  }
}

/** Maps what loading or checking a template tree threw to the CLI's errors; anything else is returned as is. */
export function templateLoadFailure(options: {
  error: unknown;
  root: string;
  cwd: string;
  dir: string | undefined;
}): unknown {
  const { error, root, cwd } = options;
  const dir = options.dir ?? defaultTemplateDir;
  if (RegistryLoadError.isInstance(error)) {
    const problems = relativeProblems({ problems: error.problems, root, cwd }).filter(
      (problem) => problem.severity === "error",
    );
    return new TemplatesInvalidError({ dir, problems });
  }
  if (StoreError.isInstance(error)) return storeFailure({ error, root, cwd, dir });
  return error;
}

/**
 * The argument glue of commands that take only `--dir` and `--config` and need the loaded tree (snapshot,
 * codeowners): parses them, resolves promptreg.config.yaml and the template root, and loads the registry.
 */
export async function loadRepositoryTemplates(options: {
  command: string;
  argv: string[];
  io: CliIo;
}): Promise<{ repository: RepositoryContext; registry: Registry }> {
  const { command, argv, io } = options;
  const { values } = parseCommandArgs({
    command,
    argv,
    flags: { dir: { type: "string" }, config: { type: "string" } },
    maxPositionals: 0,
  });
  const repository = await resolveRepository({ cwd: io.cwd, dir: values.dir, configFile: values.config });
  const { registry } = await loadTemplates({
    cwd: io.cwd,
    dir: path.relative(io.cwd, repository.root) || ".",
  });
  return { repository, registry };
}
