import { CliError } from "./cli-error.js";

export type ScaffoldProblem =
  | "invalid_id"
  | "already_exists"
  | "symlink_in_path"
  | "not_a_directory"
  | "unwritable";

/**
 * `promptreg new` refused to create a template: a bad id, an existing version it would overwrite, a symbolic link or
 * a file on the path under the template root, or a directory it may not write to.
 */
export class ScaffoldError extends CliError {
  static override readonly brand: symbol = Symbol.for("promptreg.cli.scaffold-error");
  readonly templateId: string;
  readonly problem: ScaffoldProblem;
  /** The file or directory involved, relative to the caller's cwd. */
  readonly path: string | undefined;

  constructor(options: { templateId: string; problem: ScaffoldProblem; message: string; path?: string }) {
    super({ code: `scaffold_${options.problem}`, message: options.message });
    this.name = "ScaffoldError";
    this.templateId = options.templateId;
    this.problem = options.problem;
    this.path = options.path;
  }
}
