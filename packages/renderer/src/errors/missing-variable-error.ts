import { RenderError } from "./render-error.js";

/**
 * A message template used a variable the input does not have. Strict rendering never turns a missing
 * value into an empty string: optional values must be guarded with `{{#if}}`, `{{#with}}` or `default`.
 */
export class MissingVariableError extends RenderError {
  static override readonly brand: symbol = Symbol.for("promptreg.renderer.missing-variable-error");
  readonly templateId: string;
  readonly version: string;
  readonly messageIndex: number;
  /** The path as written in the template, e.g. `customer.name` or `@index`. */
  readonly variable: string;
  /** 1-based position inside the message content (or inside the partial, when `partial` is set). */
  readonly line: number;
  readonly column: number;
  /** Name of the partial the variable was used in, if not the message itself. */
  readonly partial?: string;

  constructor(options: {
    templateId: string;
    version: string;
    messageIndex: number;
    variable: string;
    line: number;
    column: number;
    partial?: string;
    helper?: string;
  }) {
    const { templateId, version, messageIndex, variable, line, column, partial, helper } = options;
    const where = partial
      ? `partial "${partial}" (line ${line}, column ${column}) used by messages[${messageIndex}]`
      : `messages[${messageIndex}] line ${line}, column ${column}`;
    const what = helper
      ? `helper "${helper}" received "${variable}", which has no value`
      : `variable "${variable}" has no value`;
    super({
      code: "missing_variable",
      message:
        `${templateId}@${version}: ${what} in ${where}. Pass it in the input, or, if it is optional, ` +
        `guard it with {{#if ${variable}}}…{{/if}} or write {{default ${variable} "…"}}.`,
    });
    this.name = "MissingVariableError";
    this.templateId = templateId;
    this.version = version;
    this.messageIndex = messageIndex;
    this.variable = variable;
    this.line = line;
    this.column = column;
    if (partial !== undefined) this.partial = partial;
  }
}
