import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { benchmarkHistoryPage, parseBenchmarkHistory } from "./benchmark-history.js";
import { DocsInputError } from "./errors/docs-input-error.js";

const line = (overrides: Record<string, unknown>) =>
  JSON.stringify({
    run: "r1",
    date: "2026-11-27",
    benchmark: "renderer",
    metric: "ours ÷ floor",
    value: 0.7,
    low: 0.6,
    high: 0.8,
    target: { max: 1.5 },
    ...overrides,
  });

describe("benchmark history page", () => {
  it("plots each benchmark's headline ratios per run with its targets, and tables the latest run", () => {
    const text = [
      line({}),
      line({ metric: "dotprompt ÷ ours", value: 2.1, low: 2, high: 2.2, target: { min: 2 } }),
      "",
      line({ run: "r2", value: 1.6, low: 1.55, high: 1.7 }),
      line({
        run: "r3",
        date: "2026-11-28",
        benchmark: "server",
        metric: "p99 ratio",
        value: 1.1,
        low: 1,
        high: 1.2,
        target: undefined,
      }),
    ].join("\n");
    const page = benchmarkHistoryPage(parseBenchmarkHistory(text, "history.jsonl"));
    expect(page).toContain("## renderer\n");
    expect(page).toContain("## server\n");
    // Two runs on the same day are told apart; each point carries its exact value.
    expect(page).toContain(">2026-11-27 #1</text>");
    expect(page).toContain("<title>ours ÷ floor, 2026-11-27 #2: 1.6</title>");
    expect(page).toContain("target ≤ 1.5x (ours ÷ floor)");
    expect(page).toContain("target ≥ 2x (dotprompt ÷ ours)");
    // Latest renderer run (r2) misses its target; the server metric has none.
    expect(page).toContain(
      "<tr><td>ours ÷ floor</td><td>1.6x</td><td>1.55x – 1.7x</td><td>≤ 1.5x</td><td>no</td></tr>",
    );
    expect(page).toContain(
      "<tr><td>p99 ratio</td><td>1.1x</td><td>1x – 1.2x</td><td>(reported)</td><td></td></tr>",
    );
  });

  it("names the file and line of a bad entry instead of skipping it", () => {
    const check = (text: string, problem: RegExp) => {
      try {
        parseBenchmarkHistory(text, "docs/benchmarks-history.jsonl");
        expect.unreachable();
      } catch (error) {
        expect(DocsInputError.isInstance(error)).toBe(true);
        expect((error as DocsInputError).file).toBe("docs/benchmarks-history.jsonl:2");
        expect((error as Error).message).toMatch(problem);
      }
    };
    check(`${line({})}\n{not json`, /is not JSON/);
    check(`${line({})}\n${line({ value: "fast" })}`, /bad: value/);
    check(`${line({})}\n${line({ metric: "" })}`, /bad: metric/);
  });

  it("reads the committed history: every benchmark in it has its section in docs/benchmarks.md and on the page", () => {
    const file = fileURLToPath(new URL("../../../docs/benchmarks-history.jsonl", import.meta.url));
    const doc = readFileSync(fileURLToPath(new URL("../../../docs/benchmarks.md", import.meta.url)), "utf8");
    const entries = parseBenchmarkHistory(readFileSync(file, "utf8"), file);
    const benchmarks = new Set(entries.map((entry) => entry.benchmark));
    // The backfilled runs hold these three; benchmarks added later join them as pnpm bench records them.
    for (const first of ["renderer-hot-render", "registry-load", "server"])
      expect(benchmarks).toContain(first);
    const page = benchmarkHistoryPage(entries);
    for (const benchmark of benchmarks) {
      expect(doc, benchmark).toContain(`<!-- bench:${benchmark}:start -->`);
      expect(page, benchmark).toContain(`## ${benchmark}`);
    }
  });
});
