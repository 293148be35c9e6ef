import { PolicyError } from "./policy-error.js";

/** One problem of promptreg.config.yaml: where (1-based line and column, and the key path) and what to do. */
export interface ConfigProblem {
  line: number;
  column: number;
  /** Dotted key path inside the file, e.g. `rules.too_few_examples.min`; "" for the whole file. */
  path: string;
  message: string;
}

/** promptreg.config.yaml cannot be used; `problems` holds every finding of the file, each with its position. */
export class ConfigError extends PolicyError {
  static override readonly brand: symbol = Symbol.for("promptreg.policy.config-error");
  declare readonly code: "invalid_config";
  /** The config file as the user named it (relative to the cwd when it was found by searching). */
  readonly file: string;
  readonly problems: readonly ConfigProblem[];

  constructor({ file, problems }: { file: string; problems: readonly ConfigProblem[] }) {
    const lines = problems.map(
      (problem) => `  ${file}:${problem.line}:${problem.column}: ${problem.message}`,
    );
    super({
      code: "invalid_config",
      message: `${file} is not a valid promptreg configuration (${problems.length} problem${
        problems.length === 1 ? "" : "s"
      }); fix each line below (docs/rules.md lists every key and rule):\n${lines.join("\n")}`,
    });
    this.name = "ConfigError";
    this.file = file;
    this.problems = problems;
  }
}
