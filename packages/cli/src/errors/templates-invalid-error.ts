import type { Problem } from "@promptreg/registry";
import { formatProblem } from "../validation-report.js";
import { CliError } from "./cli-error.js";

/** A command that needs a loaded registry (list, render, build) found errors in the template tree. */
export class TemplatesInvalidError extends CliError {
  static override readonly brand: symbol = Symbol.for("promptreg.cli.templates-invalid-error");
  /** Error-severity problems, `file` relative to the caller's cwd. */
  readonly problems: readonly Problem[];

  constructor(options: { dir: string; problems: readonly Problem[] }) {
    super({
      code: "templates_invalid",
      message:
        `the templates in "${options.dir}" have ${options.problems.length} error(s); fix them first ` +
        `(\`promptreg validate --dir ${options.dir}\` shows every problem):`,
      detailLines: options.problems.map((problem) => `  ${formatProblem(problem)}`),
    });
    this.name = "TemplatesInvalidError";
    this.problems = options.problems;
  }
}
