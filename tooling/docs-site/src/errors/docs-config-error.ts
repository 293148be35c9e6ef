import { PromptregBaseError } from "@promptreg/core";
import type { DocsErrorCode } from "./docs-error-codes.js";

/** A docs build setting that cannot work: says which variable, what is wrong and how to fix it. */
export class DocsConfigError extends PromptregBaseError<Extract<DocsErrorCode, "invalid_docs_config">> {
  static override readonly brand: symbol = Symbol.for("promptreg.docs-site.DocsConfigError");
  readonly variable: string;
  readonly problem: string;
  readonly fix: string;

  constructor(options: { variable: string; problem: string; fix: string }) {
    super({ code: "invalid_docs_config", message: `${options.variable} ${options.problem}. ${options.fix}` });
    this.name = "DocsConfigError";
    this.variable = options.variable;
    this.problem = options.problem;
    this.fix = options.fix;
  }
}
