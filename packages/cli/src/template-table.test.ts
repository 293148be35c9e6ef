import type { TemplateSummary } from "@promptreg/registry";
import { describe, expect, it } from "vitest";
import { formatTemplateTable } from "./template-table.js";

const summary = (overrides: Partial<TemplateSummary>): TemplateSummary => ({
  id: "support/summarize-ticket",
  description: "Summarise a ticket.",
  tags: [],
  owners: ["support@acme.example"],
  status: "published",
  versions: ["1.0.0", "1.1.0"],
  labels: {},
  latest: "1.1.0",
  ...overrides,
});

describe("formatTemplateTable", () => {
  it("aligns columns and sorts labels by name", () => {
    const table = formatTemplateTable([
      summary({ labels: { staging: "2.0.0", production: "1.1.0" }, versions: ["1.0.0", "1.1.0", "2.0.0"] }),
      summary({ id: "x", latest: undefined, description: "Draft only.", versions: ["0.1.0"] }),
    ]);
    const lines = table.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+LATEST\s+LABELS\s+VERSIONS\s+DESCRIPTION$/);
    expect(lines[1]).toContain("production=1.1.0, staging=2.0.0");
    expect(lines[2]).toMatch(/^x\s+-\s+-\s+0\.1\.0\s+Draft only\.$/);
    const latestColumn = lines[0]!.indexOf("LATEST");
    expect(lines[1]!.indexOf("1.1.0")).toBe(latestColumn);
    expect(lines[2]!.indexOf("-")).toBe(latestColumn);
  });

  it("truncates long descriptions to one line with an ellipsis", () => {
    const table = formatTemplateTable([summary({ description: `${"word ".repeat(30)}\nsecond line` })]);
    const row = table.split("\n")[1]!;
    expect(row.endsWith("…")).toBe(true);
    expect(row).not.toContain("second line");
  });

  it("says so when nothing matches", () => {
    expect(formatTemplateTable([])).toBe("No templates match.\n");
  });
});
