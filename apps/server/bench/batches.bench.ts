// Batch jobs under load: 10,000 items through the real service process (Redis, the mock gateway), measured for
// throughput against the configured batch rate limit, and the p99 latency of interactive /v1/run calls made while the
// batch runs against the same calls made before it (same run, same processes). Two deployments each run: the worker
// inside the service process (the default) and a separate `pnpm worker` process (PROMPTREG_BATCH_WORKER=off on the
// service), BENCH_BATCH_RUNS times (3).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import {
  formatRatio,
  machineSummary,
  markdownTable,
  summarize,
  writeBenchmarkSection,
} from "@promptreg/bench-kit";
import { createMockGateway } from "@promptreg/mock-gateway";
import { startRedis } from "@promptreg/test-kit";
import {
  pastEpochSecond,
  SERVICE_READY,
  signedFetch as signedFetchAs,
  startProcess,
} from "./service-process.js";

const ITEMS = Number(process.env.BENCH_BATCH_ITEMS ?? 10_000);
const INTERACTIVE_CALLS = Number(process.env.BENCH_INTERACTIVE_CALLS ?? 1_500);
const INTERACTIVE_CONCURRENCY = 4;
const RUNS = Number(process.env.BENCH_BATCH_RUNS ?? 3);
const GATEWAY_LATENCY_MS = 20;
// The gateway's capacity and the share kept for interactive calls: batches get 9,000 requests a minute (150/s).
const CAPACITY_RPM = 18_000;
const RESERVE = 0.5;
const BATCH_RPS = Math.floor((CAPACITY_RPM * (1 - RESERVE)) / 60);
const SECRET = "bench-batches-secret-0123456789abcdef";

function signedFetch(url: string, pathAndQuery: string, method = "GET", body = ""): Promise<Response> {
  return signedFetchAs({ url, pathAndQuery, method, body, keyId: "bench", secret: SECRET });
}

/** `count` signed /v1/run calls from `concurrency` closed loops; the latency of each in milliseconds. */
async function interactive(url: string, count: number): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const loop = async () => {
    while (next < count) {
      const i = next++;
      const body = JSON.stringify({ ref: "support/greet@1", input: { name: `interactive ${i}` } });
      const started = process.hrtime.bigint();
      const response = await signedFetch(url, "/v1/run", "POST", body);
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`/v1/run answered ${response.status}`);
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: INTERACTIVE_CONCURRENCY }, loop));
  return latencies;
}

interface Status {
  status: string;
  counts: { total: number; succeeded: number; failed: number; pending: number };
  timings: { startedAt: string | null; finishedAt: string | null; durationMs: number | null };
}

type Mode = "in-process" | "separate";

interface Measured {
  mode: Mode;
  steady: number;
  overall: number;
  succeeded: number;
  failed: number;
  alone: ReturnType<typeof summarize>;
  during: ReturnType<typeof summarize>;
  stillRunning: boolean;
}

const redis = await startRedis();
const mock = await createMockGateway({ port: 0, latencyMs: { firstByte: GATEWAY_LATENCY_MS } });
const dir = await mkdtemp(path.join(tmpdir(), "promptreg-batch-bench-"));
const clients = path.join(dir, "clients.yaml");
await writeFile(
  clients,
  `clients:\n  - keyId: bench\n    secrets: ["${SECRET}"]\n    rateLimit: { requestsPerMinute: 100000000 }\n`,
);

/** One batch of ITEMS with interactive calls before and during it, in a fresh service (and worker) on its own prefix. */
async function measure(mode: Mode, run: number): Promise<Measured> {
  const env = {
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    PROMPTREG_TEMPLATES_DIR: new URL("../test/__fixtures__/templates/", import.meta.url).pathname,
    PROMPTREG_CLIENT_KEYS_FILE: clients,
    GATEWAY_BASE_URL: mock.url,
    GATEWAY_API_KEY: "bench-gateway-key",
    REDIS_URL: redis.url,
    PROMPTREG_REDIS_KEY_PREFIX: `${redis.keyPrefix}${mode}-${run}:`,
    PROMPTREG_GATEWAY_CAPACITY_RPM: String(CAPACITY_RPM),
    PROMPTREG_BATCH_INTERACTIVE_RESERVE: String(RESERVE),
    PROMPTREG_BATCH_CONCURRENCY: "16",
  };
  const service = await startProcess(
    "src/main.ts",
    { ...env, PROMPTREG_BATCH_WORKER: mode === "in-process" ? "on" : "off" },
    SERVICE_READY,
  );
  const worker =
    mode === "separate"
      ? await startProcess("src/worker-main.ts", env, /promptreg batch worker ready()/)
      : undefined;
  try {
    await pastEpochSecond();
    await interactive(service.url, 200); // warm-up: JIT, connections, template caches
    const alone = await interactive(service.url, INTERACTIVE_CALLS);

    const items = Array.from({ length: ITEMS }, (_, i) => ({
      ref: "support/greet@1",
      input: { name: `item ${i}` },
    }));
    const submitted = await signedFetch(service.url, "/v1/batches", "POST", JSON.stringify({ items }));
    if (submitted.status !== 202)
      throw new Error(`submit answered ${submitted.status}: ${await submitted.text()}`);
    const { id } = (await submitted.json()) as { id: string };
    const status = async () => (await (await signedFetch(service.url, `/v1/batches/${id}`)).json()) as Status;

    // Samples of (time, finished items) once a second, for the rate in the steady middle of the batch.
    const samples: { at: number; done: number }[] = [];
    let finished: Status | undefined;
    const sampler = (async () => {
      for (;;) {
        const current = await status();
        samples.push({ at: performance.now(), done: current.counts.total - current.counts.pending });
        if (current.counts.pending === 0) {
          finished = current;
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // past the ramp-up
    const during = await interactive(service.url, INTERACTIVE_CALLS);
    const stillRunning = (await status()).counts.pending > 0;
    await sampler;
    const done = finished as Status;

    const overall = (done.counts.total / (done.timings.durationMs as number)) * 1000;
    const from = samples.find((s) => s.done >= ITEMS * 0.1);
    const to = [...samples].reverse().find((s) => s.done <= ITEMS * 0.9);
    const steady =
      from && to && to.at > from.at ? ((to.done - from.done) / (to.at - from.at)) * 1000 : overall;
    return {
      mode,
      steady,
      overall,
      succeeded: done.counts.succeeded,
      failed: done.counts.failed,
      alone: summarize(alone),
      during: summarize(during),
      stillRunning,
    };
  } finally {
    worker?.child.kill("SIGTERM");
    service.child.kill("SIGTERM");
  }
}

let markdown: string;
try {
  const results: (Measured & { run: number; load: string })[] = [];
  for (let run = 1; run <= RUNS; run++) {
    for (const mode of ["in-process", "separate"] as const) {
      const measured = await measure(mode, run);
      const load = loadavg()
        .slice(0, 2)
        .map((n) => n.toFixed(1))
        .join(" / ");
      results.push({ ...measured, run, load });
      console.log(
        `run ${run} ${mode}: ${measured.steady.toFixed(1)} items/s, p99 ${measured.during.p99.toFixed(1)} vs ${measured.alone.p99.toFixed(1)} ms`,
      );
    }
  }
  const fmt = (n: number, digits = 1) => n.toFixed(digits);
  const label: Record<Mode, string> = { "in-process": "in the service", separate: "`pnpm worker` process" };
  const of = (mode: Mode) => results.filter((r) => r.mode === mode);

  markdown = `${machineSummary()}

${ITEMS.toLocaleString("en")} batch items (\`support/greet\`, one gateway call each) through the service process
(\`src/main.ts\`, production mode, Redis, the mock gateway answering after ${GATEWAY_LATENCY_MS} ms), the worker at
concurrency 16 either inside the service process (the default) or in a separate \`pnpm worker\` process with the
service at \`PROMPTREG_BATCH_WORKER=off\` (the scaled deployment). Gateway capacity
${CAPACITY_RPM.toLocaleString("en")} requests/min with ${RESERVE * 100}% reserved for interactive traffic, so the batch
limit is ${BATCH_RPS} items/s (BullMQ's limiter, ${BATCH_RPS} per second). Interactive load:
${INTERACTIVE_CALLS.toLocaleString("en")} signed \`/v1/run\` calls from ${INTERACTIVE_CONCURRENCY} closed loops, once
before the batch and once while it runs (same processes, same run). The steady rate is the finished items between
10% and 90% done, sampled once a second (ramp-up and drain excluded); first start to last finish is also shown.
${RUNS} runs, each a fresh service, worker and key prefix; the load average (1 / 5 min) is read after each.

${markdownTable(
  [
    "run",
    "worker",
    "steady items/s",
    "÷ limit",
    "start to finish items/s",
    "ok / failed",
    "p50 / p99 alone (ms)",
    "p50 / p99 during (ms)",
    "p99 during ÷ alone",
    "load avg",
  ],
  results.map((r) => [
    String(r.run),
    label[r.mode],
    fmt(r.steady),
    formatRatio(r.steady / BATCH_RPS),
    fmt(r.overall),
    `${r.succeeded} / ${r.failed}`,
    `${fmt(r.alone.median)} / ${fmt(r.alone.p99)}`,
    `${fmt(r.during.median)} / ${fmt(r.during.p99)}${r.stillRunning ? "" : " (batch ended first)"}`,
    formatRatio(r.during.p99 / r.alone.p99),
    r.load,
  ]),
)}

Targets (issue 13): steady rate ÷ limit 0.95 to 1.05; p99 during ÷ alone ≤ 1.2.`;
  writeBenchmarkSection({
    id: "batches",
    title: "Batch jobs: throughput under the rate limit, interactive latency alongside",
    markdown,
    headlines: [
      {
        metric: "batch steady rate ÷ configured limit",
        values: of("in-process").map((r) => r.steady / BATCH_RPS),
        target: { min: 0.95, max: 1.05 },
      },
      {
        metric: "interactive p99 during batch ÷ alone",
        values: of("in-process").map((r) => r.during.p99 / r.alone.p99),
        target: { max: 1.2 },
      },
      {
        metric: "batch steady rate ÷ configured limit (separate worker)",
        values: of("separate").map((r) => r.steady / BATCH_RPS),
        target: { min: 0.95, max: 1.05 },
      },
      {
        metric: "interactive p99 during batch ÷ alone (separate worker)",
        values: of("separate").map((r) => r.during.p99 / r.alone.p99),
        target: { max: 1.2 },
      },
    ],
  });
  console.log(markdown);
} finally {
  await mock.close();
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
}
