import { CliError } from "./cli-error.js";

/** The `--dir` given (or the default `templates`) does not exist or is not a directory. */
export class TemplateDirError extends CliError {
  static override readonly brand: symbol = Symbol.for("promptreg.cli.template-dir-error");
  /** The directory relative to the caller's cwd. */
  readonly dir: string;

  constructor(options: { dir: string; reason: "missing" | "not_a_directory" }) {
    const what = options.reason === "missing" ? "does not exist" : "is not a directory";
    super({
      code: `template_dir_${options.reason}`,
      message: `Template directory "${options.dir}" ${what}. Run the command from your repository root or pass --dir <path to templates>.`,
    });
    this.name = "TemplateDirError";
    this.dir = options.dir;
  }
}
