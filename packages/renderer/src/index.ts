export { BUDGETS, type BudgetName } from "./budgets.js";
export type { CustomHelper } from "./environment.js";
export { type InputIssue, InputValidationError } from "./errors/input-validation-error.js";
export { MissingVariableError } from "./errors/missing-variable-error.js";
export { NonScalarValueError } from "./errors/non-scalar-value-error.js";
export {
  type OutputBudgetName,
  OutputValidationError,
  type OutputValidationKind,
  type TextPosition,
} from "./errors/output-validation-error.js";
export { RenderBudgetError, type RenderBudgetName } from "./errors/render-budget-error.js";
export { RenderError } from "./errors/render-error.js";
export { RENDER_ERROR_CODES, type RenderErrorCode } from "./errors/render-error-codes.js";
export { TemplateCompileError, type TemplateCompileErrorReason } from "./errors/template-compile-error.js";
export { UnknownHelperError } from "./errors/unknown-helper-error.js";
export { jsonErrorOffset } from "./json-error-offset.js";
export { type LintOptions, type LintRegistryOptions, lintRegistry, lintTemplate } from "./lint.js";
export { LINT_CODES, type LintCode } from "./lint-codes.js";
export { type ParseOutputResult, validateOutput } from "./parse-output.js";
export {
  createRenderer,
  type RenderedMessage,
  type Renderer,
  type RendererOptions,
  type RendererStats,
  type RenderResult,
} from "./renderer.js";
