// Load benchmark: 1,000 template versions (100 ids x 10 versions) in a temp dir.
// Measures loadRegistryFromDir end to end against two baselines measured in the same run:
//   - YAML.parse of the same texts already in memory (the floor: parsing alone),
//   - reading every file + YAML.parse (what any loader pays for I/O + parsing).
// Three independent rounds of 5 timed runs each (LOAD_BENCH_ROUNDS overrides the round count); the table shows each round's median and the spread.
// Run: node --import tsx --expose-gc bench/load.bench.ts   (or pnpm bench -- registry)
import { readFile, rm } from "node:fs/promises";
import { formatRatio, markdownTable, summarize, writeBenchmarkSection } from "@promptreg/bench-kit";
import YAML from "yaml";
import { loadRegistryFromDir } from "../src/index.js";
import { generateTree } from "./generate-tree.js";

const IDS = 100;
const VERSIONS = 10;
const ROUNDS = Number(process.env.LOAD_BENCH_ROUNDS ?? 3);
const RUNS = 5;

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  (globalThis as { gc?: () => void }).gc?.();
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const { root, dir, files } = await generateTree({ ids: IDS, versions: VERSIONS });
try {
  const texts = await Promise.all(files.map((file) => readFile(file, "utf8")));
  const bytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  const check = await loadRegistryFromDir(root);
  if ([...check.templates()].length !== IDS * VERSIONS)
    throw new Error("benchmark tree did not load completely");

  const cases = {
    yamlParse: () => {
      for (const text of texts) YAML.parse(text);
    },
    readAndParse: async () => {
      const read = await Promise.all(files.map((file) => readFile(file, "utf8")));
      for (const text of read) YAML.parse(text);
    },
    load: () => loadRegistryFromDir(root),
  };
  type CaseName = keyof typeof cases;
  const names = Object.keys(cases) as CaseName[];
  const rounds: Record<CaseName, ReturnType<typeof summarize>[]> = {
    yamlParse: [],
    readAndParse: [],
    load: [],
  };
  // Cases are interleaved (rotating order) inside each iteration, so every ratio compares runs that shared the
  // same background load; timing one case for seconds and then the next made the ratios meaningless here.
  const ratioSamples: { loadVsParse: number[]; loadVsRead: number[] }[] = [];
  for (const name of names) await cases[name]();
  for (let round = 0; round < ROUNDS; round++) {
    const samples: Record<CaseName, number[]> = { yamlParse: [], readAndParse: [], load: [] };
    const paired = { loadVsParse: [] as number[], loadVsRead: [] as number[] };
    for (let run = 0; run < RUNS; run++) {
      const timings = {} as Record<CaseName, number>;
      for (let k = 0; k < names.length; k++) {
        const name = names[(run + k) % names.length]!;
        timings[name] = await time(cases[name]);
        samples[name].push(timings[name]);
      }
      paired.loadVsParse.push(timings.load / timings.yamlParse);
      paired.loadVsRead.push(timings.load / timings.readAndParse);
    }
    for (const name of names) rounds[name].push(summarize(samples[name]));
    ratioSamples.push(paired);
  }

  const medians = (name: keyof typeof cases) => rounds[name].map((s) => s.median);
  const mid = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const spread = (values: number[]) =>
    `${Math.min(...values).toFixed(1)} – ${Math.max(...values).toFixed(1)}`;
  const ms = (value: number) => value.toFixed(1);
  const row = (label: string, name: keyof typeof cases) => {
    const med = mid(medians(name));
    const p99 = mid(rounds[name].map((s) => s.p99));
    return [
      label,
      ms(med),
      spread(medians(name)),
      ms(p99),
      `${((med / (IDS * VERSIONS)) * 1000).toFixed(0)} µs`,
      formatRatio(med / mid(medians("yamlParse"))),
    ];
  };
  const table = markdownTable(
    [
      "case (1,000 versions)",
      "median ms",
      "spread of 3 round medians",
      "p99 ms",
      "per template",
      "vs YAML.parse",
    ],
    [
      row("`YAML.parse` of in-memory texts (baseline)", "yamlParse"),
      row("read files + `YAML.parse` (baseline with I/O)", "readAndParse"),
      row("`loadRegistryFromDir` (everything)", "load"),
    ],
  );
  const loadVsRead = mid(medians("load")) / mid(medians("readAndParse"));
  // Ratios within each round are steadier than absolute times on a shared box: both sides saw the same load.
  const ratios = (key: "loadVsParse" | "loadVsRead") =>
    ratioSamples.map((round) => summarize(round[key]).median);
  const ratioRange = (values: number[]) =>
    `${formatRatio(mid(values))} (rounds: ${values.map(formatRatio).join(", ")})`;
  const markdown = `Loads a generated tree of ${IDS} ids x ${VERSIONS} versions (${(bytes / 1024).toFixed(0)} KiB of YAML, ~${Math.round(
    bytes / files.length,
  )} bytes per file: a nested input schema, an output schema, two messages using a partial, two examples) plus labels and
two partials. ${ROUNDS} rounds x ${RUNS} timed runs after a warm-up run; the medians of the rounds show the run-to-run spread on this
shared machine. "per template" is the median divided by 1,000.

${table}

\`loadRegistryFromDir\` does everything the baselines do plus position tracking (\`parseDocument\` + \`LineCounter\`), structural
validation with zod, JSON Schema subset validation and compilation to zod (once per version), example validation, partial
resolution, SHA-256 content hashes and indexing: **${formatRatio(loadVsRead)}** the cost of reading and parsing alone.

| paired ratio (same iteration) | median of round medians (each round) |
| --- | --- |
| \`loadRegistryFromDir\` / \`YAML.parse\` | ${ratioRange(ratios("loadVsParse"))} |
| \`loadRegistryFromDir\` / (read + \`YAML.parse\`) | ${ratioRange(ratios("loadVsRead"))} |

Absolute times on this box swing by 2x or more between rounds (other engineers' test runs share the 2 cores);
the paired ratios (each iteration runs all three cases back to back, in rotating order) are the number to compare
across changes.
Reproduce: \`pnpm bench -- registry\` (or \`node --import tsx --expose-gc bench/load.bench.ts\` in packages/registry).`;
  console.log(markdown);
  writeBenchmarkSection({
    id: "registry-load",
    title: "Registry: loading 1,000 template versions",
    markdown,
    headlines: [{ metric: "loadRegistryFromDir ÷ YAML.parse", values: ratios("loadVsParse") }],
  });
} finally {
  await rm(dir, { recursive: true, force: true });
}
