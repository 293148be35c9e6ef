import type { Problem } from "@promptreg/registry";
import type { RuleSettings } from "./config.js";
import type { RuleCode } from "./rule-codes.js";

/** A finding of one rule before the repository's settings decide whether it is an error, a warning or off. */
export interface RuleFinding {
  code: RuleCode;
  /** Relative to the template root, like the registry's problems. */
  file: string;
  line: number;
  column: number;
  message: string;
  /** The template version the finding is about (`id@version`), matched against the rule's `exclude`. */
  ref?: string;
}

/** Findings as `Problem`s with the configured severity; findings of rules set to `off` are dropped. */
export function applyRuleSettings(findings: readonly RuleFinding[], rules: RuleSettings): Problem[] {
  const problems: Problem[] = [];
  for (const { ref, ...finding } of findings) {
    const { severity, exclude } = rules[finding.code];
    if (severity === "off" || (ref !== undefined && isExcluded(ref, exclude))) continue;
    problems.push({ ...finding, severity });
  }
  return problems;
}

function isExcluded(ref: string, exclude: readonly string[]): boolean {
  const id = ref.slice(0, ref.lastIndexOf("@"));
  return exclude.some((entry) => entry === ref || entry === id);
}
