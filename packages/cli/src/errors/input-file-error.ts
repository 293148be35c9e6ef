import { CliError } from "./cli-error.js";

export type InputFileProblem = "not_found" | "unreadable" | "invalid_json" | "not_an_object";

/** A `--input` file (or stdin) could not be read or is not a JSON object. */
export class InputFileError extends CliError {
  static override readonly brand: symbol = Symbol.for("promptreg.cli.input-file-error");
  /** The path as the user typed it, or "<stdin>". */
  readonly path: string;
  readonly problem: InputFileProblem;
  /** 1-based position of a JSON syntax error, when known. */
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(options: {
    path: string;
    problem: InputFileProblem;
    message: string;
    line?: number;
    column?: number;
    cause?: unknown;
  }) {
    super({ code: `input_${options.problem}`, message: options.message, cause: options.cause });
    this.name = "InputFileError";
    this.path = options.path;
    this.problem = options.problem;
    this.line = options.line;
    this.column = options.column;
  }
}
