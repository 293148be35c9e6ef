import { loadRegistryFromDir, type Registry, RegistryLoadError } from "@promptreg/registry";
import { TemplatesInvalidError } from "./errors/templates-invalid-error.js";
import { resolveTemplateDir } from "./template-dir.js";
import { relativeProblems } from "./validation-report.js";

/**
 * Resolves `--dir` and loads the registry, turning load problems into a `TemplatesInvalidError` (exit 1).
 * Returns the absolute template root too, for showing file paths.
 */
export async function loadTemplates(options: {
  cwd: string;
  dir: string | undefined;
}): Promise<{ registry: Registry; root: string }> {
  const root = await resolveTemplateDir(options);
  try {
    return { registry: await loadRegistryFromDir(root), root };
  } catch (error) {
    if (!RegistryLoadError.isInstance(error)) throw error;
    const problems = relativeProblems({ problems: error.problems, root, cwd: options.cwd }).filter(
      (problem) => problem.severity === "error",
    );
    throw new TemplatesInvalidError({ dir: options.dir ?? "templates", problems });
  }
}
