import { hasBrand, PromptregBaseError } from "@promptreg/core";
import type { DocsErrorCode } from "./docs-error-codes.js";

const marker = Symbol.for("promptreg.docs-site.DocsConfigError");

/** A docs build setting that cannot work: says which variable, what is wrong and how to fix it. */
export class DocsConfigError extends PromptregBaseError<Extract<DocsErrorCode, "invalid_docs_config">> {
  readonly [marker] = true;
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

  static isInstance(value: unknown): value is DocsConfigError {
    return hasBrand(value, marker);
  }
}
