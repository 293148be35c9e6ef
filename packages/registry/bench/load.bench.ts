// Load benchmark: 1,000 template versions (100 ids x 10 versions) in a temp dir.
// Measures loadRegistryFromDir end to end against two baselines measured in the same run:
//   - YAML.parse of the same texts already in memory (the floor: parsing alone),
//   - reading every file + YAML.parse (what any loader pays for I/O + parsing).
// Three independent rounds of 5 timed runs each (LOAD_BENCH_ROUNDS overrides the round count); the table shows each round's median and the spread.
// Run: node --import tsx --expose-gc bench/load.bench.ts   (or pnpm bench -- registry)
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { formatRatio, markdownTable, summarize, writeBenchmarkSection } from "@promptreg/bench-kit";
import YAML from "yaml";
import { loadRegistryFromDir } from "../src/index.js";

const IDS = 100;
const VERSIONS = 10;
const ROUNDS = Number(process.env.LOAD_BENCH_ROUNDS ?? 3);
const RUNS = 5;

function templateText(id: string, version: string, index: number): string {
  return `# yaml-language-server: $schema=../../../schemas/template.schema.json
id: ${id}
version: ${version}
description: Summarise a support ticket (variant ${index}) for the agent who takes it over, keeping the customer's tone.
owners: [support-platform@acme.example, oncall-${index % 7}@acme.example]
tags: [support, summarization, team-${index % 5}]
status: ${index % 4 === 3 ? "draft" : "published"}
changelog: Variant ${index}; tightens the summary format and adds the customer's tier.
model:
  name: openai/gpt-4o-mini
  params: { temperature: 0.2, max_tokens: 400, top_p: 0.9 }
  fallbacks: [anthropic/claude-3-5-haiku]
input:
  type: object
  properties:
    ticket: { type: string, minLength: 1, maxLength: 20000, description: The ticket text. }
    tier: { type: string, enum: [free, pro, enterprise], default: free }
    customer:
      type: object
      properties:
        name: { type: string }
        email: { type: string, format: email }
        since: { type: string, format: date }
      required: [name]
    history: { type: array, items: { type: string }, maxItems: 20 }
    priority: { type: integer, minimum: 1, maximum: 5 }
  required: [ticket]
output:
  type: object
  properties:
    summary: { type: string, maxLength: 2000 }
    sentiment: { type: string, enum: [positive, neutral, negative] }
    next_steps: { type: array, items: { type: string } }
  required: [summary, sentiment]
messages:
  - role: system
    content: |
      You are a support lead at Acme. {{> support/tone}}
      Summarise the ticket in at most five bullet points, then give the customer's sentiment
      and the next steps for the agent. Answer as JSON with summary, sentiment and next_steps.
  - role: user
    content: |
      Customer: {{customer.name}} ({{tier}})
      Priority: {{priority}}
      {{#each history}}Earlier: {{this}}
      {{/each}}
      Ticket:
      {{ticket}}
examples:
  - name: short-ticket
    input: { ticket: "My invoice is wrong.", tier: pro, customer: { name: Ann, email: ann@example.com } }
  - name: escalation
    description: An angry enterprise customer with history.
    input:
      ticket: The export has failed three times today and our auditors are waiting.
      tier: enterprise
      priority: 1
      customer: { name: Bo, since: "2021-04-01" }
      history: [Export failed on Monday, Export failed on Tuesday]
`;
}

async function generateTree(): Promise<{ root: string; dir: string; files: string[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), "promptreg-load-bench-"));
  const root = path.join(dir, "templates");
  const files: string[] = [];
  await mkdir(path.join(root, "_partials", "support"), { recursive: true });
  await writeFile(
    path.join(root, "_partials", "support", "tone.hbs"),
    "Be concise, warm and specific. {{> signature}}",
  );
  await writeFile(path.join(root, "_partials", "signature.hbs"), "Sign as the Acme support team.");
  for (let i = 0; i < IDS; i++) {
    const id = `team-${i % 10}/template-${i}`;
    await mkdir(path.join(root, id), { recursive: true });
    for (let v = 0; v < VERSIONS; v++) {
      const version = `${1 + Math.floor(v / 5)}.${v % 5}.0`;
      const file = path.join(root, id, `${version}.yaml`);
      await writeFile(file, templateText(id, version, i * VERSIONS + v));
      files.push(file);
    }
    await writeFile(path.join(root, id, "labels.yaml"), "production: 1.2.0\nstaging: 2.4.0\n");
  }
  return { root, dir, files };
}

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  (globalThis as { gc?: () => void }).gc?.();
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const { root, dir, files } = await generateTree();
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
