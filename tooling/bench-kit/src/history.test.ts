import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { writeBenchmarkSection } from "./benchmarks-doc.js";
import { appendBenchmarkHistory, historyEntries, historyFile } from "./history.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "bench-history-"));
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

describe("benchmark history", () => {
  it("records the median and the lowest and highest round of each headline, with its target", () => {
    const entries = historyEntries({
      benchmark: "renderer-hot-render",
      run: "2026-11-28T09:15Z",
      headlines: [{ metric: "ours ÷ floor", values: [0.71, 0.69, 0.7], target: { max: 1.5 } }],
    });
    expect(entries).toEqual([
      {
        run: "2026-11-28T09:15Z",
        date: "2026-11-28",
        benchmark: "renderer-hot-render",
        metric: "ours ÷ floor",
        value: 0.7,
        low: 0.69,
        high: 0.71,
        target: { max: 1.5 },
      },
    ]);
    expect(() =>
      historyEntries({ benchmark: "x", run: "r", headlines: [{ metric: "m", values: [Number.NaN] }] }),
    ).toThrow(/"m" needs finite values/);
  });

  it("appends one line per headline, grouped by BENCH_RUN_ID, never rewriting earlier runs", async () => {
    const file = path.join(dir, "history.jsonl");
    await writeFile(file, '{"run":"old"}');
    vi.stubEnv("BENCH_RUN_ID", "2026-11-28T09:15Z");
    appendBenchmarkHistory({
      benchmark: "a",
      headlines: [
        { metric: "m1", values: [1] },
        { metric: "m2", values: [2, 3, 4] },
      ],
      file,
    });
    appendBenchmarkHistory({ benchmark: "b", headlines: [{ metric: "m3", values: [3] }], file });
    const lines = (await readFile(file, "utf8")).trimEnd().split("\n");
    expect(lines[0]).toBe('{"run":"old"}');
    expect(
      lines
        .slice(1)
        .map((line) => JSON.parse(line))
        .map((entry) => [entry.run, entry.benchmark, entry.metric, entry.value]),
    ).toEqual([
      ["2026-11-28T09:15Z", "a", "m1", 1],
      ["2026-11-28T09:15Z", "a", "m2", 3],
      ["2026-11-28T09:15Z", "b", "m3", 3],
    ]);
  });

  it("keeps exploratory runs (BENCH_DOC_FILE) out of the committed history", async () => {
    expect(historyFile({})).toMatch(/docs[/\\]benchmarks-history\.jsonl$/);
    expect(historyFile({ BENCH_DOC_FILE: "/tmp/x.md" })).toBe("/tmp/x.md.history.jsonl");
    expect(historyFile({ BENCH_DOC_FILE: "/tmp/x.md", BENCH_HISTORY_FILE: "/tmp/h.jsonl" })).toBe(
      "/tmp/h.jsonl",
    );
    const doc = path.join(dir, "bench.md");
    vi.stubEnv("BENCH_DOC_FILE", doc);
    writeBenchmarkSection({
      id: "demo",
      title: "Demo",
      markdown: "text",
      headlines: [{ metric: "ratio", values: [1.2] }],
    });
    expect(await readFile(doc, "utf8")).toContain("## Demo");
    expect(JSON.parse(await readFile(`${doc}.history.jsonl`, "utf8"))).toMatchObject({
      benchmark: "demo",
      metric: "ratio",
      value: 1.2,
    });
  });
});
