/**
 * Every code a lint problem (`Problem.code` from `lintTemplate` / `lintRegistry`) can carry: one closed map, like the
 * registry's PROBLEM_CODES, so callers switch on codes instead of message text and docs/renderer.md's code table is
 * checked against it. Add a code here first, then emit it.
 */
export const LINT_CODES = {
  UNDECLARED_VARIABLE: "undeclared_variable",
  DATA_VARIABLE_OUTSIDE_EACH: "data_variable_outside_each",
  NON_SCALAR_VALUE: "non_scalar_value",
  UNUSED_INPUT: "unused_input",
  UNKNOWN_HELPER: "unknown_helper",
  HELPER_ARITY: "helper_arity",
  FORBIDDEN_PROPERTY: "forbidden_property",
  MISSING_PARTIAL: "missing_partial",
  DYNAMIC_PARTIAL: "dynamic_partial",
  PARTIAL_CYCLE: "partial_cycle",
  SHADOWED_PARTIAL: "shadowed_partial",
  NESTING_TOO_DEEP: "nesting_too_deep",
  UNSUPPORTED_DECORATOR: "unsupported_decorator",
  TEMPLATE_SYNTAX: "template_syntax",
  EXAMPLE_FAILED: "example_failed",
} as const;

export type LintCode = (typeof LINT_CODES)[keyof typeof LINT_CODES];
