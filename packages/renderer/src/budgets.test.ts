import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BUDGETS } from "./budgets.js";

// docs/renderer.md's budget table and BUDGETS must name the same budgets with the same numbers, so a budget
// cannot change (or appear) without its documentation.
const DOC = fileURLToPath(new URL("../../../docs/renderer.md", import.meta.url));
const SECURITY = fileURLToPath(new URL("../../../docs/security.md", import.meta.url));

function documentedBudgets(): Record<string, number> {
  const lines = readFileSync(DOC, "utf8").split("\n");
  const start = lines.indexOf("| budget | limit | what it bounds | when exceeded |");
  if (start === -1) throw new Error("docs/renderer.md lost its budget table");
  const budgets: Record<string, number> = {};
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    const [, name, limit] = line.split("|").map((cell) => cell.trim());
    budgets[/^`(\w+)`$/.exec(name ?? "")?.[1] ?? `unparsed: ${name}`] = Number(limit);
  }
  return budgets;
}

describe("BUDGETS", () => {
  it("matches the budget table of docs/renderer.md exactly", () => {
    expect(documentedBudgets()).toEqual({ ...BUDGETS });
  });

  it("each have a row with their number in the budgets and limits table of docs/security.md", () => {
    const rows = readFileSync(SECURITY, "utf8")
      .split("\n")
      .filter((line) => line.startsWith("|"));
    for (const [name, value] of Object.entries(BUDGETS)) {
      const row = rows.find((line) => line.includes(`\`BUDGETS.${name}\``));
      expect(row, `docs/security.md has no row for BUDGETS.${name}`).toBeDefined();
      expect(row).toContain(value.toLocaleString("en-US"));
    }
  });

  it("are positive integers", () => {
    for (const value of Object.values(BUDGETS)) expect(Number.isSafeInteger(value) && value > 0).toBe(true);
  });
});
