import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { LINT_CODES } from "./lint-codes.js";

// docs/renderer.md's lint code table and the closed LINT_CODES map must name the same codes, so a new lint cannot
// ship undocumented and the docs cannot advertise a code the linter never emits.
const DOC = fileURLToPath(new URL("../../../docs/renderer.md", import.meta.url));

function documentedCodes(): string[] {
  const lines = readFileSync(DOC, "utf8").split("\n");
  const start = lines.indexOf("| code | severity | meaning |");
  if (start === -1) throw new Error("docs/renderer.md lost its lint code table");
  const codes: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    const firstCell = line.split("|")[1] ?? "";
    for (const match of firstCell.matchAll(/`([a-z_]+)`/g)) codes.push(match[1]!);
  }
  return codes;
}

describe("LINT_CODES", () => {
  it("matches the code table of docs/renderer.md exactly", () => {
    expect(documentedCodes().sort()).toEqual(Object.values(LINT_CODES).sort());
  });

  it("has unique values", () => {
    const values = Object.values(LINT_CODES);
    expect(new Set(values).size).toBe(values.length);
  });
});
