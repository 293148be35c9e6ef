import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { appendBenchmarkHistory, type Headline } from "./history.js";
import { machineSummary } from "./machine.js";
import { findRepoRoot } from "./repo-root.js";

const HEADER = `# Benchmarks

Written by \`pnpm bench\`. Each section is replaced by the benchmark that owns it, so numbers here are
always from a real run: the machine and date stand above each table. Every benchmark compares against a
baseline measured in the same run, because absolute numbers on a shared 2-core box drift from run to run;
read the ratios. Run \`pnpm bench\` three times before believing a change. Each run also appends its headline
ratios to \`docs/benchmarks-history.jsonl\`, which the docs site plots over time (page "Benchmark history").
`;

const marker = (id: string, edge: "start" | "end") => `<!-- bench:${id}:${edge} -->`;

/**
 * Replaces (or appends) the section `id` of a benchmarks markdown file, leaving the other sections alone.
 * Pure, so it can be tested without touching the real file.
 */
export function upsertSection(doc: string, id: string, body: string): string {
  if (!/^[a-z0-9-]+$/.test(id)) throw new Error(`benchmark section id must be kebab-case, got "${id}"`);
  const block = `${marker(id, "start")}\n${body.trim()}\n${marker(id, "end")}`;
  const start = doc.indexOf(marker(id, "start"));
  const end = doc.indexOf(marker(id, "end"));
  if (start !== -1 && end > start) {
    return doc.slice(0, start) + block + doc.slice(end + marker(id, "end").length);
  }
  return `${doc.trimEnd()}\n\n${block}\n`;
}

export interface WriteSectionOptions {
  /** Stable kebab-case id of the section, e.g. `renderer-hot-render`. */
  id: string;
  /** Heading of the section. */
  title: string;
  /** Markdown body: what was measured, the table, and what the ratios mean. */
  markdown: string;
  /** Defaults to `<repo>/docs/benchmarks.md` (BENCH_DOC_FILE overrides it); tests point it elsewhere. */
  file?: string;
  /**
   * The section's headline ratios (one value per round), appended to the history the docs site plots
   * (docs/benchmarks-history.jsonl; see `historyFile` for where exploratory runs go).
   */
  headlines?: Headline[];
}

export function writeBenchmarkSection({ id, title, markdown, file, headlines }: WriteSectionOptions): string {
  // BENCH_DOC_FILE=/tmp/x.md keeps exploratory (noisy) runs out of docs/benchmarks.md and its history.
  const target = file ?? (process.env.BENCH_DOC_FILE || path.join(findRepoRoot(), "docs", "benchmarks.md"));
  if (headlines && headlines.length > 0) appendBenchmarkHistory({ benchmark: id, headlines });
  const current = existsSync(target) ? readFileSync(target, "utf8") : HEADER;
  const body = `## ${title}\n\n_Measured ${machineSummary()}._\n\n${markdown.trim()}\n`;
  writeFileSync(target, upsertSection(current, id, body));
  return target;
}
