import path from "node:path";
import { checkRegistry, createFileSystemStore, type Problem, StoreError } from "@promptreg/registry";
import { lintRegistry } from "@promptreg/renderer";
import { runPolicyChecks } from "./policy-checks.js";
import type { RepositoryContext } from "./repository.js";
import { storeFailure } from "./store-failure.js";
import { displayPath } from "./template-dir.js";
import { terminalText } from "./terminal-text.js";

export interface ValidationReport {
  templates: number;
  versions: number;
  /** Every problem found, `file` relative to the caller's cwd, sorted by file and position. */
  problems: Problem[];
  errors: number;
  warnings: number;
}

/**
 * Checks a template tree: every load problem from the registry's `checkRegistry`, then (when the tree loaded)
 * the renderer's lints and, with a `repository`, the rules of its promptreg.config.yaml (authoring lints, the
 * lockfile). Problems come back with `file` relative to `cwd`, sorted and de-duplicated.
 */
export async function validateTemplates(options: {
  root: string;
  cwd: string;
  /** `--dir` as typed, for messages. */
  dir?: string;
  repository?: RepositoryContext;
}): Promise<ValidationReport> {
  const { root, cwd } = options;
  const store = createFileSystemStore(root);
  const { registry, problems } = await checkRegistry({ store }).catch((error: unknown) => {
    if (!StoreError.isInstance(error)) throw error;
    throw storeFailure({ error, root, cwd, dir: options.dir ?? (path.relative(cwd, root) || ".") });
  });
  if (registry !== undefined) {
    const versions = registry.ids().reduce((sum, id) => sum + registry.versions(id).length, 0);
    const lints = lintRegistry(registry);
    const policy = options.repository
      ? await runPolicyChecks({ registry, store, context: options.repository })
      : [];
    return summarise({
      templates: registry.ids().length,
      versions,
      problems: [...problems, ...lints, ...policy],
      root,
      cwd,
    });
  }
  // The tree did not load, so count what is there from the file listing instead.
  const files = (await store.list()).filter((file) => file.kind === "template");
  const ids = new Set(files.map((file) => file.path.slice(0, file.path.lastIndexOf("/"))));
  return summarise({ templates: ids.size, versions: files.length, problems, root, cwd });
}

/** Problems with `file` made relative to the caller's cwd, sorted by position, duplicates dropped. */
export function relativeProblems(options: {
  problems: readonly Problem[];
  root: string;
  cwd: string;
}): Problem[] {
  const { root, cwd } = options;
  const seen = new Set<string>();
  const result: Problem[] = [];
  for (const problem of options.problems) {
    const relative = { ...problem, file: displayPath({ cwd, root, file: problem.file }) };
    const key = `${relative.file}:${relative.line}:${relative.column}:${relative.code}:${relative.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(relative);
  }
  return result.sort(
    (a, b) =>
      a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.code.localeCompare(b.code),
  );
}

function summarise(options: {
  templates: number;
  versions: number;
  problems: readonly Problem[];
  root: string;
  cwd: string;
}): ValidationReport {
  const { root, cwd } = options;
  const problems = options.problems
    .map((problem) => ({ ...problem, file: displayPath({ cwd, root, file: problem.file }) }))
    .sort(
      (a, b) =>
        a.file.localeCompare(b.file) ||
        a.line - b.line ||
        a.column - b.column ||
        a.code.localeCompare(b.code),
    );
  const errors = problems.filter((problem) => problem.severity === "error").length;
  return {
    templates: options.templates,
    versions: options.versions,
    problems,
    errors,
    warnings: problems.length - errors,
  };
}

/**
 * `path:line:col: severity: message [code]`, the format editors and CI annotators understand. Always one line: the
 * path and message are escaped, so a newline in a directory name or key cannot forge another finding.
 */
export function formatProblem(problem: Problem): string {
  const file = terminalText(problem.file);
  return `${file}:${problem.line}:${problem.column}: ${problem.severity}: ${terminalText(problem.message)} [${terminalText(problem.code)}]`;
}

export function formatSummary(report: ValidationReport): string {
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
  return [
    plural(report.templates, "template"),
    plural(report.versions, "version"),
    plural(report.errors, "error"),
    plural(report.warnings, "warning"),
  ].join(", ");
}

/** Errors always fail; warnings fail only under `--strict`. */
export function reportFails(report: ValidationReport, options: { strict: boolean }): boolean {
  return report.errors > 0 || (options.strict && report.warnings > 0);
}
