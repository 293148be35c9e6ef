import { formatPath, type InputIssue } from "./input-validation-error.js";
import { RenderError } from "./render-error.js";

export type OutputValidationKind = "no_json" | "invalid_json" | "schema_mismatch" | "over_budget";

/** The parseOutput budget an `over_budget` reply exceeded (numbers in BUDGETS, named in docs/renderer.md). */
export type OutputBudgetName = "reply_chars" | "json_depth" | "json_candidates" | "scan_chars";

/** Where in the model's text a JSON problem was found: 0-based offset, 1-based line and column. */
export interface TextPosition {
  offset: number;
  line: number;
  column: number;
}

/**
 * Model output could not be turned into a value of the template's output schema: no JSON in the text,
 * JSON that does not parse (with its position), JSON that does not match the schema (every failing path), or a
 * reply that would cost more than parseOutput's budgets to search (too long, nested too deep, too many parts
 * that look like JSON and do not parse).
 */
export class OutputValidationError extends RenderError {
  static override readonly brand: symbol = Symbol.for("promptreg.renderer.output-validation-error");
  readonly kind: OutputValidationKind;
  readonly templateId: string;
  readonly version: string;
  /** Schema issues; empty unless `kind` is `schema_mismatch`. */
  readonly issues: readonly InputIssue[];
  /** Set when `kind` is `invalid_json`, and for `over_budget` when the budget ran out at a known place. */
  readonly position?: TextPosition;
  /** Set when `kind` is `over_budget`: which budget, and its limit. */
  readonly budget?: OutputBudgetName;
  readonly limit?: number;

  constructor(options: {
    kind: OutputValidationKind;
    templateId: string;
    version: string;
    detail: string;
    issues?: InputIssue[];
    position?: TextPosition;
    budget?: OutputBudgetName;
    limit?: number;
  }) {
    const { kind, templateId, version, detail, issues = [], position, budget, limit } = options;
    const head = `${templateId}@${version}: model output`;
    let message: string;
    if (kind === "no_json") {
      message = `${head} contains no JSON object or array (${detail}). Ask the model to answer with JSON only, e.g. in a \`\`\`json fence.`;
    } else if (kind === "invalid_json") {
      const at = position ? ` at line ${position.line}, column ${position.column}` : "";
      message = `${head} has invalid JSON${at}: ${detail}. The reply may be truncated (raise max_tokens) or malformed.`;
    } else if (kind === "over_budget") {
      const at = position ? ` at line ${position.line}, column ${position.column}` : "";
      message = `${head} is over the ${budget} budget of ${limit}${at}: ${detail}. Ask the model for a shorter, flatter JSON answer (see "Budgets" in docs/renderer.md).`;
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
    if (budget !== undefined) this.budget = budget;
    if (limit !== undefined) this.limit = limit;
  }
}
