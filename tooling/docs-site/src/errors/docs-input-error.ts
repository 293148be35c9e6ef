import { PromptregBaseError } from "@promptreg/core";
import type { DocsErrorCode } from "./docs-error-codes.js";

/** An input file of the docs build (the benchmark history) that cannot be read: where, what and how to fix it. */
export class DocsInputError extends PromptregBaseError<Extract<DocsErrorCode, "invalid_docs_input">> {
  static override readonly brand: symbol = Symbol.for("promptreg.docs-site.DocsInputError");
  /** `path:line`. */
  readonly file: string;
  readonly problem: string;
  readonly fix: string;

  constructor(options: { file: string; problem: string; fix: string }) {
    super({ code: "invalid_docs_input", message: `${options.file}: ${options.problem}. ${options.fix}` });
    this.name = "DocsInputError";
    this.file = options.file;
    this.problem = options.problem;
    this.fix = options.fix;
  }
}
