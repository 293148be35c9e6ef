import { RenderError } from "./render-error.js";

export type TemplateCompileErrorReason =
  | "syntax"
  | "forbidden_property"
  | "missing_partial"
  | "dynamic_partial"
  | "unsupported_decorator"
  | "helper_arity"
  | "partial_cycle"
  | "shadowed_partial"
  | "nesting_too_deep";

/**
 * A message (or a partial it uses) is not valid Handlebars for promptreg. `line`/`column` are 1-based and
 * point into the message content, or into the partial when `partial` is set.
 */
export class TemplateCompileError extends RenderError {
  static override readonly brand: symbol = Symbol.for("promptreg.renderer.template-compile-error");
  readonly reason: TemplateCompileErrorReason;
  readonly templateId: string;
  readonly version: string;
  readonly messageIndex: number;
  readonly line: number;
  readonly column: number;
  readonly partial?: string;
  readonly detail: string;

  constructor(options: {
    reason: TemplateCompileErrorReason;
    templateId: string;
    version: string;
    messageIndex: number;
    line: number;
    column: number;
    partial?: string;
    detail: string;
    hint: string;
    cause?: unknown;
  }) {
    const { reason, templateId, version, messageIndex, line, column, partial, detail, hint, cause } = options;
    const where = partial
      ? `partial "${partial}" line ${line}, column ${column} (used by messages[${messageIndex}])`
      : `messages[${messageIndex}] line ${line}, column ${column}`;
    super({
      code: "template_compile_failed",
      message: `${templateId}@${version}: cannot compile ${where}: ${detail}. ${hint}`,
      cause,
    });
    this.name = "TemplateCompileError";
    this.reason = reason;
    this.templateId = templateId;
    this.version = version;
    this.messageIndex = messageIndex;
    this.line = line;
    this.column = column;
    if (partial !== undefined) this.partial = partial;
    this.detail = detail;
  }
}
