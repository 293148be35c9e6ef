import {
  checkRegistry,
  createMemoryStore,
  PROBLEM_CODES,
  type Problem,
  RegistryError,
  type TemplateVersion,
} from "@promptreg/registry";
import { BUDGETS } from "../src/budgets.js";
import { InputValidationError } from "../src/errors/input-validation-error.js";
import { OutputValidationError } from "../src/errors/output-validation-error.js";
import { RenderError } from "../src/errors/render-error.js";
import { lintRegistry } from "../src/lint.js";
import { LINT_CODES } from "../src/lint-codes.js";
import { createRenderer } from "../src/renderer.js";
import type { FuzzCase } from "./arbitraries.js";

/**
 * Runs one fuzz case through everything a template tree meets (load, lint, compile and render every version with
 * every input, parse every reply against it) and returns the invariants it broke, in words; an empty list means
 * the case passed. Invariants: nothing throws but the documented typed errors; no internal error (`render_failed`
 * with no custom helpers is one); every problem and error says where (file:line:col, a position in the message or
 * partial, or a JSON path); messages carry no raw control characters that could forge output lines.
 */
export async function checkCase(fuzzCase: FuzzCase): Promise<string[]> {
  const violations: string[] = [];
  const loaderCodes = new Set<string>(Object.values(PROBLEM_CODES));
  const lintCodes = new Set<string>(Object.values(LINT_CODES));

  let checked: Awaited<ReturnType<typeof checkRegistry>>;
  try {
    checked = await checkRegistry({ store: createMemoryStore(fuzzCase.files) });
  } catch (error) {
    return [`the loader threw instead of reporting problems: ${describe(error)}`];
  }
  for (const problem of checked.problems) checkProblem(problem, loaderCodes, "loader", violations);
  const registry = checked.registry;
  if (!registry) return violations;

  let lints: Problem[] = [];
  try {
    lints = lintRegistry(registry);
  } catch (error) {
    return [...violations, `lintRegistry threw: ${describe(error)}`];
  }
  for (const problem of lints) checkProblem(problem, lintCodes, "lint", violations);

  const renderer = createRenderer({ registry });
  for (const version of registry.templates()) {
    for (const input of fuzzCase.inputs) checkRender(renderer, version, input, violations);
    for (const reply of fuzzCase.replies) {
      try {
        const result = renderer.parseOutput(`${version.id}@${version.version}`, reply);
        if (!result.ok) checkOutputError(result.error, violations);
      } catch (error) {
        violations.push(`parseOutput threw on a ${reply.length}-character reply: ${describe(error)}`);
      }
    }
  }
  return violations;
}

function checkProblem(problem: Problem, codes: Set<string>, from: string, violations: string[]): void {
  const where = `${from} problem ${JSON.stringify(problem).slice(0, 300)}`;
  if (!codes.has(problem.code)) violations.push(`${where}: code outside the closed map`);
  if (!(problem.file.length > 0 && Number.isInteger(problem.line) && Number.isInteger(problem.column))) {
    violations.push(`${where}: no file:line:col`);
  } else if (problem.line < 1 || problem.column < 1) violations.push(`${where}: position below 1:1`);
  if (FORGING.test(problem.message) || FORGING.test(problem.file)) {
    violations.push(`${where}: raw control character or line break in the message or file name`);
  }
}

/** Characters that could forge a `path:line:col:` line or reach the terminal raw. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const FORGING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** The same, for error messages, which may be laid out on several lines. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const FORGING_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

function checkRender(
  renderer: ReturnType<typeof createRenderer>,
  version: TemplateVersion,
  input: unknown,
  violations: string[],
): void {
  try {
    const result = renderer.renderVersion(version, input);
    const total = result.messages.reduce((sum, message) => sum + message.content.length, 0);
    if (total > BUDGETS.maxRenderedChars)
      violations.push(`a render produced ${total} characters, over budget`);
    for (const message of result.messages) {
      if (message.content.includes("[object Object]") && !JSON.stringify(input).includes("[object Object]")) {
        violations.push("a render printed [object Object]");
      }
    }
  } catch (error) {
    const where = `render of ${version.id}@${version.version} with ${JSON.stringify(input)?.slice(0, 200)}`;
    if (!RenderError.isInstance(error)) {
      violations.push(`${where} threw something other than a RenderError: ${describe(error)}`);
      return;
    }
    if (FORGING_BUT_NEWLINE.test(error.message)) {
      violations.push(
        `${where}: raw control character in the error message: ${JSON.stringify(error.message)}`,
      );
    }
    if (error.code === "render_failed") {
      violations.push(`${where} failed internally (render_failed): ${error.message}`);
      return;
    }
    if (InputValidationError.isInstance(error)) {
      if (error.issues.length === 0 || error.issues.some((issue) => !Array.isArray(issue.path))) {
        violations.push(`${where}: InputValidationError without a path for every issue`);
      }
      return;
    }
    const positioned = error as RenderError & { line?: unknown; column?: unknown };
    const hasPosition =
      (typeof positioned.line === "number" && positioned.line >= 1 && Number(positioned.column) >= 1) ||
      /line \d+, column \d+/.test(error.message);
    if (!hasPosition) violations.push(`${where}: ${error.code} without a position: ${error.message}`);
  }
}

function checkOutputError(error: OutputValidationError, violations: string[]): void {
  if (!OutputValidationError.isInstance(error)) {
    violations.push(`parseOutput returned an error that is not an OutputValidationError: ${describe(error)}`);
    return;
  }
  if (error.kind === "invalid_json" && error.position === undefined) {
    violations.push(`invalid_json without a position: ${error.message}`);
  }
  if (error.kind === "schema_mismatch" && error.issues.length === 0) {
    violations.push(`schema_mismatch without issues: ${error.message}`);
  }
}

function describe(error: unknown): string {
  if (RegistryError.isInstance(error)) return `${error.name} (${error.code}): ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ""}` : String(error);
}
