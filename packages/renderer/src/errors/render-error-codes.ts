/** Every `code` a `RenderError` can carry: one closed map, so callers narrow on `error.code`. */
export const RENDER_ERROR_CODES = {
  /** `InputValidationError`: the input fails the template's input schema (`issues`). */
  input_invalid: "input_invalid",
  /** `MissingVariableError`: the template prints a value the input does not have. */
  missing_variable: "missing_variable",
  /** `NonScalarValueError`: an object or array would be printed into text. */
  non_scalar_value: "non_scalar_value",
  /** `OutputValidationError`: a model reply fails the output schema. */
  output_invalid: "output_invalid",
  /** `RenderBudgetError`: a render went over one of its budgets. */
  render_budget_exceeded: "render_budget_exceeded",
  /** `TemplateCompileError`: the template text does not compile. */
  template_compile_failed: "template_compile_failed",
  /** A built-in helper was given a value of the wrong kind (`join` of a string). */
  helper_failed: "helper_failed",
  /** Anything else a render threw, e.g. a custom helper's own error (kept as `cause`). */
  render_failed: "render_failed",
  /** `UnknownHelperError`: the template calls a helper that does not exist. */
  unknown_helper: "unknown_helper",
} as const;

export type RenderErrorCode = keyof typeof RENDER_ERROR_CODES;
