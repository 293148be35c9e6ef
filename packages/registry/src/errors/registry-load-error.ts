import { escapeControl } from "@promptreg/core";
import type { Problem } from "../types.js";
import { RegistryError } from "./registry-error.js";

function formatProblem(problem: Problem): string {
  // Paths come from directory and file names; one problem must stay one line.
  return `  ${escapeControl(problem.file)}:${problem.line}:${problem.column} ${problem.severity} [${problem.code}] ${escapeControl(problem.message)}`;
}

/** The template tree has at least one error-severity problem; `problems` holds every finding, not just the first. */
export class RegistryLoadError extends RegistryError {
  static override readonly brand: symbol = Symbol.for("promptreg.registry.load-error");
  readonly problems: readonly Problem[];

  constructor({ problems, source }: { problems: readonly Problem[]; source?: string }) {
    const errors = problems.filter((problem) => problem.severity === "error");
    const shown = problems.slice(0, 50).map(formatProblem).join("\n");
    const more = problems.length > 50 ? `\n  ... and ${problems.length - 50} more` : "";
    super({
      code: "registry_load_failed",
      message:
        `Could not load the template registry${source ? ` from ${source}` : ""}: ${errors.length} error(s), ` +
        `${problems.length - errors.length} warning(s). Fix each file below (run \`promptreg validate\` to re-check):\n` +
        shown +
        more,
    });
    this.name = "RegistryLoadError";
    this.problems = problems;
  }
}
