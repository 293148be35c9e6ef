import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Problem } from "@promptreg/registry";
import { LineCounter, parseDocument } from "yaml";
import { displayPath } from "./template-dir.js";

export interface ValidationReport {
  templates: number;
  versions: number;
  /** Every problem found, `file` relative to the caller's cwd, sorted by file and position. */
  problems: Problem[];
  errors: number;
  warnings: number;
}

/**
 * Checks a template tree. TEMPORARY: until `checkRegistry` (registry) and `lintRegistry` (renderer) land,
 * this only checks that every YAML file parses, so `pnpm check` has a working gate.
 */
export async function validateTemplates(options: { root: string; cwd: string }): Promise<ValidationReport> {
  const { root, cwd } = options;
  const files = await listYamlFiles(root);
  const problems: Problem[] = [];
  const ids = new Set<string>();
  let versions = 0;
  for (const file of files) {
    if (path.basename(file) === "labels.yaml") continue;
    ids.add(path.dirname(file));
    versions++;
    const text = await readFile(path.join(root, file), "utf8");
    const lineCounter = new LineCounter();
    const document = parseDocument(text, { lineCounter, uniqueKeys: true });
    for (const error of document.errors) {
      const position = lineCounter.linePos(error.pos[0]);
      problems.push({
        file,
        line: position.line,
        column: position.col,
        code: "yaml_syntax",
        message: error.message.split("\n")[0] ?? error.message,
        severity: "error",
      });
    }
  }
  return summarise({ templates: ids.size, versions, problems, root, cwd });
}

async function listYamlFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".yaml"))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .filter((file) => !file.startsWith("_") && !file.startsWith("."))
    .sort();
}

function summarise(options: {
  templates: number;
  versions: number;
  problems: Problem[];
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

/** `path:line:col: severity: message [code]`, the format editors and CI annotators understand. */
export function formatProblem(problem: Problem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.severity}: ${problem.message} [${problem.code}]`;
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
