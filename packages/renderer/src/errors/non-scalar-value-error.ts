import { RenderError } from "./render-error.js";

/**
 * A mustache printed an object or an array into message text (Handlebars would write "[object Object]" or
 * "a,b"). The template must print a scalar: one of the value's properties, `{{json value}}`, `{{join list}}`, or
 * iterate with `{{#each}}`. The linter reports the same thing (`non_scalar_value`) when the input schema says so.
 */
export class NonScalarValueError extends RenderError {
  static override readonly brand: symbol = Symbol.for("promptreg.renderer.non-scalar-value-error");
  readonly templateId: string;
  readonly version: string;
  readonly messageIndex: number;
  /** The mustache's expression as written: a path (`customer`, `this`) or a helper's name. */
  readonly expression: string;
  readonly kind: "object" | "array";
  /** 1-based position of the mustache inside the message content (or inside the partial, when `partial` is set). */
  readonly line: number;
  readonly column: number;
  readonly partial?: string;

  constructor(options: {
    templateId: string;
    version: string;
    messageIndex: number;
    expression: string;
    kind: "object" | "array";
    line: number;
    column: number;
    partial?: string;
  }) {
    const { templateId, version, messageIndex, expression, kind, line, column, partial } = options;
    const where = partial
      ? `partial "${partial}" line ${line}, column ${column} (used by messages[${messageIndex}])`
      : `messages[${messageIndex}] line ${line}, column ${column}`;
    super({
      code: "non_scalar_value",
      message:
        `${templateId}@${version}: "${expression}" is ${kind === "array" ? "an array" : "an object"} at ${where}, ` +
        `and only strings, numbers, booleans and null can be printed into text. ${nonScalarHint(expression, kind)}`,
    });
    this.name = "NonScalarValueError";
    this.templateId = templateId;
    this.version = version;
    this.messageIndex = messageIndex;
    this.expression = expression;
    this.kind = kind;
    this.line = line;
    this.column = column;
    if (partial !== undefined) this.partial = partial;
  }
}

/** What to write instead; shared with the linter's `non_scalar_value` problem. */
export function nonScalarHint(expression: string, kind: "object" | "array"): string {
  const value =
    expression === "." ? "this" : /^[A-Za-z_@.][\w@./-]*$/.test(expression) ? expression : "value";
  return kind === "array"
    ? `Iterate it with {{#each ${value}}}…{{/each}}, or print {{join ${value}}} or {{json ${value}}}.`
    : `Print one of its properties ({{${value}.name}}), or {{json ${value}}}.`;
}
