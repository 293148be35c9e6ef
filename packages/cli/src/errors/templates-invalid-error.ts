import { hasBrand } from "@promptreg/core";
import type { Problem } from "@promptreg/registry";
import { formatProblem } from "../validation-report.js";
import { CliError } from "./cli-error.js";

const marker = Symbol.for("promptreg.cli.templates-invalid-error");

/** A command that needs a loaded registry (list, render, build) found errors in the template tree. */
export class TemplatesInvalidError extends CliError {
  readonly [marker] = true;
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

  static override isInstance(value: unknown): value is TemplatesInvalidError {
    return hasBrand(value, marker);
  }
}
