import { appendFileSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { machineSummary } from "./machine.js";
import { findRepoRoot } from "./repo-root.js";
import { summarize } from "./stats.js";

/** A headline ratio of one benchmark: its values over the rounds of one run, and the target it must meet. */
export interface Headline {
  /** Stable name of the ratio, e.g. "promptreg ÷ floor (raw Handlebars + zod)". */
  metric: string;
  /** One value per round of this run. */
  values: number[];
  target?: { min?: number; max?: number };
}

/** One line of docs/benchmarks-history.jsonl: a headline ratio of one benchmark in one run of `pnpm bench`. */
export interface HistoryEntry {
  /** Groups the lines of one `pnpm bench` run: BENCH_RUN_ID, set by run-all.ts, else the time of writing. */
  run: string;
  /** YYYY-MM-DD. */
  date: string;
  benchmark: string;
  metric: string;
  /** Median over the rounds. */
  value: number;
  low: number;
  high: number;
  target?: { min?: number; max?: number };
  machine?: string;
  /** Where a backfilled value came from. */
  source?: string;
}

/** Where history lines go: BENCH_HISTORY_FILE, else next to BENCH_DOC_FILE for exploratory runs, else the committed file. */
export function historyFile(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.BENCH_HISTORY_FILE) return env.BENCH_HISTORY_FILE;
  if (env.BENCH_DOC_FILE) return `${env.BENCH_DOC_FILE}.history.jsonl`;
  return path.join(findRepoRoot(), "docs", "benchmarks-history.jsonl");
}

/** The history entries of one benchmark run (pure, for tests). */
export function historyEntries(options: {
  benchmark: string;
  headlines: Headline[];
  run: string;
  machine?: string;
}): HistoryEntry[] {
  return options.headlines.map((headline) => {
    if (headline.values.length === 0 || headline.values.some((value) => !Number.isFinite(value))) {
      throw new Error(
        `benchmark ${options.benchmark}: headline "${headline.metric}" needs finite values, got ${JSON.stringify(headline.values)}`,
      );
    }
    const round = (value: number) => Math.round(value * 1000) / 1000;
    const entry: HistoryEntry = {
      run: options.run,
      date: options.run.slice(0, 10),
      benchmark: options.benchmark,
      metric: headline.metric,
      value: round(summarize(headline.values).median),
      low: round(Math.min(...headline.values)),
      high: round(Math.max(...headline.values)),
    };
    if (headline.target) entry.target = headline.target;
    if (options.machine) entry.machine = options.machine;
    return entry;
  });
}

/** Appends a benchmark's headline ratios to the history file, one JSON object per line (append-only, diff-friendly). */
export function appendBenchmarkHistory(options: {
  benchmark: string;
  headlines: Headline[];
  file?: string;
}): string {
  const file = options.file ?? historyFile();
  const run = process.env.BENCH_RUN_ID || new Date().toISOString().slice(0, 16).concat("Z");
  const lines = historyEntries({
    benchmark: options.benchmark,
    headlines: options.headlines,
    run,
    machine: machineSummary(),
  })
    .map((entry) => JSON.stringify(entry))
    .join("\n");
  const separator = existsSync(file) && !readFileSync(file, "utf8").endsWith("\n") ? "\n" : "";
  appendFileSync(file, `${separator}${lines}\n`);
  return file;
}
