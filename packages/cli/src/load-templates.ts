import { loadRegistryFromDir, type Registry, RegistryLoadError, StoreError } from "@promptreg/registry";
import { TemplatesInvalidError } from "./errors/templates-invalid-error.js";
import { resolveRepository } from "./repository.js";
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
