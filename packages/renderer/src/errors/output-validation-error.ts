import { formatPath, type InputIssue } from "./input-validation-error.js";
import { RenderError } from "./render-error.js";

const marker = Symbol.for("promptreg.renderer.output-validation-error");

export type OutputValidationKind = "no_json" | "invalid_json" | "schema_mismatch";

/** Where in the model's text a JSON problem was found: 0-based offset, 1-based line and column. */
export interface TextPosition {
  offset: number;
  line: number;
  column: number;
}

/**
 * Model output could not be turned into a value of the template's output schema: no JSON in the text,
 * JSON that does not parse (with its position), or JSON that does not match the schema (every failing path).
 */
export class OutputValidationError extends RenderError {
  readonly [marker] = true;
  readonly kind: OutputValidationKind;
  readonly templateId: string;
  readonly version: string;
  /** Schema issues; empty unless `kind` is `schema_mismatch`. */
  readonly issues: readonly InputIssue[];
  /** Set when `kind` is `invalid_json`. */
  readonly position?: TextPosition;

  constructor(options: {
    kind: OutputValidationKind;
    templateId: string;
    version: string;
    detail: string;
    issues?: InputIssue[];
    position?: TextPosition;
  }) {
    const { kind, templateId, version, detail, issues = [], position } = options;
    const head = `${templateId}@${version}: model output`;
    let message: string;
    if (kind === "no_json") {
      message = `${head} contains no JSON object or array (${detail}). Ask the model to answer with JSON only, e.g. in a \`\`\`json fence.`;
    } else if (kind === "invalid_json") {
      const at = position ? ` at line ${position.line}, column ${position.column}` : "";
      message = `${head} has invalid JSON${at}: ${detail}. The reply may be truncated (raise max_tokens) or malformed.`;
    } else {
      const shown = issues.slice(0, 20).map((issue) => `  - ${formatPath(issue.path)}: ${issue.message}`);
      if (issues.length > shown.length) shown.push(`  - … and ${issues.length - shown.length} more`);
      message = `${head} does not match the output schema (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${shown.join("\n")}\nTighten the prompt or relax the output schema.`;
    }
    super({ code: "output_invalid", message });
    this.name = "OutputValidationError";
    this.kind = kind;
    this.templateId = templateId;
    this.version = version;
    this.issues = issues;
    if (position !== undefined) this.position = position;
  }

  static override isInstance(value: unknown): value is OutputValidationError {
    return typeof value === "object" && value !== null && marker in value;
  }
}
