import { RenderError } from "./render-error.js";

/** The render-time budget a render went over (numbers in BUDGETS, named in docs/renderer.md). */
export type RenderBudgetName = "partial_expansions" | "each_iterations" | "rendered_chars";

const HINTS: Readonly<Record<RenderBudgetName, string>> = {
  partial_expansions:
    "A partial that includes another several times multiplies at every level: include it once, or pass the " +
    "repeated part as data and loop over it with {{#each}}.",
  each_iterations:
    "Nested {{#each}} over large inputs multiply: limit the input's length in its schema (maxItems), or " +
    "flatten the loop.",
  rendered_chars:
    "Limit the input's size in its schema (maxLength, maxItems), or {{truncate}} long values before they are " +
    "repeated.",
};

/**
 * A render did more work than the renderer's budgets allow: too many partial expansions, `#each` iterations or
 * characters of output. `line`/`column` (1-based) point at the construct that went over: a `{{> name}}`, an
 * `{{#each}}`, or (for output) the `{{#each}}` or partial that produced it, else the start of the message; inside
 * a partial when `partial` is set.
 */
export class RenderBudgetError extends RenderError {
  static override readonly brand: symbol = Symbol.for("promptreg.renderer.render-budget-error");
  readonly budget: RenderBudgetName;
  readonly limit: number;
  readonly templateId: string;
  readonly version: string;
  readonly messageIndex: number;
  readonly line: number;
  readonly column: number;
  readonly partial?: string;

  constructor(options: {
    budget: RenderBudgetName;
    limit: number;
    templateId: string;
    version: string;
    messageIndex: number;
    line: number;
    column: number;
    partial?: string;
    detail: string;
  }) {
    const { budget, limit, templateId, version, messageIndex, line, column, partial, detail } = options;
    const where = partial
      ? `partial "${partial}" line ${line}, column ${column} (used by messages[${messageIndex}])`
      : `messages[${messageIndex}] line ${line}, column ${column}`;
    super({
      code: "render_budget_exceeded",
      message:
        `${templateId}@${version}: rendering went over the ${budget} budget of ${limit} at ${where}: ${detail}. ` +
        `${HINTS[budget]} (See "Budgets" in docs/renderer.md.)`,
    });
    this.name = "RenderBudgetError";
    this.budget = budget;
    this.limit = limit;
    this.templateId = templateId;
    this.version = version;
    this.messageIndex = messageIndex;
    this.line = line;
    this.column = column;
    if (partial !== undefined) this.partial = partial;
  }
}
