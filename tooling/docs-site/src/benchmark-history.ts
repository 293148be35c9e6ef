import type { HistoryEntry } from "@promptreg/bench-kit";
import { DocsInputError } from "./errors/docs-input-error.js";
import { escapeHtml, htmlBlock } from "./html.js";
import { lineChartSvg } from "./svg-chart.js";

/** One line of docs/benchmarks-history.jsonl: the shape @promptreg/bench-kit's appendBenchmarkHistory writes. */
export type BenchmarkHistoryEntry = HistoryEntry;

const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const isText = (value: unknown): value is string => typeof value === "string" && value !== "";

/** Parses the history file; a bad line is a DocsInputError naming file:line and what is wrong, never skipped. */
export function parseBenchmarkHistory(text: string, file: string): BenchmarkHistoryEntry[] {
  const entries: BenchmarkHistoryEntry[] = [];
  text.split("\n").forEach((line, index) => {
    if (line.trim() === "") return;
    const where = `${file}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new DocsInputError({
        file: where,
        problem: `is not JSON (${(error as Error).message})`,
        fix: "Each line must be one JSON object as written by `pnpm bench`; fix or delete the line.",
      });
    }
    const entry = value as Record<string, unknown>;
    const missing = ["run", "date", "benchmark", "metric"].filter((key) => !isText(entry?.[key]));
    const notNumbers = ["value", "low", "high"].filter((key) => !isNumber(entry?.[key]));
    if (typeof value !== "object" || value === null || missing.length > 0 || notNumbers.length > 0) {
      throw new DocsInputError({
        file: where,
        problem: `needs text fields run, date, benchmark, metric and numbers value, low, high (bad: ${[...missing, ...notNumbers].join(", ") || "not an object"})`,
        fix: "Each line must be one JSON object as written by `pnpm bench`; fix or delete the line.",
      });
    }
    entries.push(value as BenchmarkHistoryEntry);
  });
  return entries;
}

function targetText(target: BenchmarkHistoryEntry["target"]): string {
  if (!target) return "(reported)";
  return [
    target.min === undefined ? undefined : `≥ ${target.min}x`,
    target.max === undefined ? undefined : `≤ ${target.max}x`,
  ]
    .filter(Boolean)
    .join(", ");
}

function targetMet(entry: BenchmarkHistoryEntry): string {
  if (!entry.target) return "";
  const ok =
    (entry.target.min === undefined || entry.value >= entry.target.min) &&
    (entry.target.max === undefined || entry.value <= entry.target.max);
  return ok ? "yes" : "no";
}

/**
 * The benchmark history page: for each benchmark, its headline ratios over the runs of `pnpm bench` as a chart with
 * the targets drawn in, and the latest run as a table.
 */
export function benchmarkHistoryPage(entries: BenchmarkHistoryEntry[]): string {
  const runs = [...new Set(entries.map((entry) => entry.run))];
  const lines = [
    "---",
    "title: Benchmark history",
    "---",
    "",
    "# Benchmark history",
    "",
    "Every run of `pnpm bench` appends its headline ratios to `docs/benchmarks-history.jsonl` (one JSON object per line: run, date, benchmark, metric, the median over the run's rounds with the lowest and highest round, the target, the machine). This page plots them, so a regression shows up as a line leaving its band. The numbers behind each run, with the method, are in [benchmarks](/benchmarks.md); ratios, not absolute times, are comparable across runs on a shared machine. Hover a point for its value.",
    "",
  ];
  if (entries.length === 0) return [...lines, "No run recorded yet: run `pnpm bench`.", ""].join("\n");
  const benchmarks = [...new Set(entries.map((entry) => entry.benchmark))];
  for (const benchmark of benchmarks) {
    const own = entries.filter((entry) => entry.benchmark === benchmark);
    const ownRuns = runs.filter((run) => own.some((entry) => entry.run === run));
    const metrics = [...new Set(own.map((entry) => entry.metric))];
    const xLabels = ownRuns.map((run) => {
      const date = own.find((entry) => entry.run === run)!.date;
      const sameDay = ownRuns.filter((other) => own.find((entry) => entry.run === other)!.date === date);
      return sameDay.length > 1 ? `${date} #${sameDay.indexOf(run) + 1}` : date;
    });
    const references = metrics.flatMap((metric) => {
      const target = own.find((entry) => entry.metric === metric && entry.target)?.target;
      const label = metrics.length > 1 ? ` (${metric})` : "";
      return [
        ...(target?.min === undefined
          ? []
          : [{ value: target.min, label: `target ≥ ${target.min}x${label}` }]),
        ...(target?.max === undefined
          ? []
          : [{ value: target.max, label: `target ≤ ${target.max}x${label}` }]),
      ];
    });
    lines.push(
      `## ${benchmark}`,
      "",
      lineChartSvg({
        title: `${benchmark}: headline ratios per run`,
        xLabels,
        series: metrics.map((metric) => ({
          name: metric,
          values: ownRuns.map(
            (run) => own.find((entry) => entry.run === run && entry.metric === metric)?.value ?? null,
          ),
        })),
        yLabel: "ratio (x)",
        references,
      }),
      "",
    );
    const latestRun = ownRuns.at(-1)!;
    const rows = own
      .filter((entry) => entry.run === latestRun)
      .map(
        (entry) =>
          `<tr><td>${escapeHtml(entry.metric)}</td><td>${entry.value}x</td><td>${entry.low}x – ${entry.high}x</td><td>${escapeHtml(targetText(entry.target))}</td><td>${targetMet(entry)}</td></tr>`,
      )
      .join("");
    lines.push(
      htmlBlock(
        "table",
        { class: "bench-latest" },
        `<caption>${escapeHtml(`Latest run (${xLabels.at(-1)})`)}</caption><thead><tr><th>metric</th><th>median</th><th>rounds</th><th>target</th><th>met</th></tr></thead><tbody>${rows}</tbody>`,
      ),
      "",
    );
  }
  return `${lines.join("\n")}\n`;
}
