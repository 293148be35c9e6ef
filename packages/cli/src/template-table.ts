import type { TemplateSummary } from "@promptreg/registry";
import { terminalText } from "./terminal-text.js";

const descriptionWidth = 60;

/** A plain-text table (id, latest, labels, versions, description) for `promptreg list`. */
export function formatTemplateTable(summaries: readonly TemplateSummary[]): string {
  if (summaries.length === 0) return "No templates match.\n";
  const header = ["ID", "LATEST", "LABELS", "VERSIONS", "DESCRIPTION"];
  const rows = summaries.map((summary) =>
    [
      summary.id,
      summary.latest ?? "-",
      formatLabels(summary.labels),
      summary.versions.join(", "),
      truncate(summary.description, descriptionWidth),
    ].map((cell) => terminalText(cell)),
  );
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join("  ")
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join("\n")}\n`;
}

function formatLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? "-" : entries.map(([label, version]) => `${label}=${version}`).join(", ");
}

function truncate(text: string, width: number): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length <= width ? oneLine : `${oneLine.slice(0, width - 1)}…`;
}
