import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { RULE_CODES } from "./rule-codes.js";
import { RULES } from "./rules.js";

// docs/rules.md's rule table and the RULES map must agree on every code, where it runs and its default severity, so
// a rule cannot ship undocumented and the docs cannot promise a default the code does not have.
const DOC = fileURLToPath(new URL("../../../docs/rules.md", import.meta.url));

function documentedRules(): { code: string; stage: string; severity: string; options: string[] }[] {
  const lines = readFileSync(DOC, "utf8").split("\n");
  const start = lines.indexOf("| code | runs in | default | what it checks | options |");
  if (start === -1) throw new Error("docs/rules.md lost its rule table");
  const rows = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    const cells = line.split("|").map((cell) => cell.trim());
    rows.push({
      code: cells[1]!.replaceAll("`", ""),
      stage: cells[2]!,
      severity: cells[3]!,
      options: [...cells[5]!.matchAll(/`([A-Za-z]+)`/g)].map((match) => match[1]!),
    });
  }
  return rows;
}

describe("RULES", () => {
  it("matches the table of docs/rules.md: code, stage, default severity and options", () => {
    const expected = Object.values(RULES).map((rule) => ({
      code: rule.code,
      stage: rule.stage,
      severity: rule.defaultSeverity,
      options: Object.keys(rule.options.shape),
    }));
    expect(documentedRules()).toEqual(expected);
  });

  it("defines every code of RULE_CODES exactly once", () => {
    expect(Object.keys(RULES).sort()).toEqual(Object.values(RULE_CODES).sort());
    for (const [code, rule] of Object.entries(RULES)) expect(rule.code).toBe(code);
  });
});
