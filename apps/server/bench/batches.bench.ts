// Batch jobs under load: 10,000 items through the real service process (Redis, the mock gateway), measured for
// throughput against the configured batch rate limit, and the p99 latency of interactive /v1/run calls made while a
// batch runs against the same calls made without one (same run, same processes). The interactive calls arrive at a
// steady rate (open loop) in slices, interleaved A, B, B, A around each batch (A without a batch, B during it), so
// drift in the shared box's load hits both sides; each side pools 5,000 calls over BENCH_BATCH_CYCLES (2) batches,
// so its p99 is the 50th-slowest of 5,000 rather than the 15th of 1,500. Two deployments: the worker inside the
// service process (the default) and a separate `pnpm worker` process (PROMPTREG_BATCH_WORKER=off on the service).
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
import { SERVICE_READY, signedFetch as signedFetchAs, startProcess, untilReady } from "./service-process.js";

const ITEMS = Number(process.env.BENCH_BATCH_ITEMS ?? 10_000);
/** Interactive calls per slice, and slices per side per batch cycle (A, B, B, A: two of each). */
const SLICE_CALLS = Number(process.env.BENCH_SLICE_CALLS ?? 1_250);
const CYCLES = Number(process.env.BENCH_BATCH_CYCLES ?? 2);
/** Interactive calls started per second, whatever the answers' latency (an open loop, as independent clients). */
const INTERACTIVE_RATE = Number(process.env.BENCH_INTERACTIVE_RATE ?? 100);
const GATEWAY_LATENCY_MS = 20;
// The gateway's capacity and the share kept for interactive calls: batches get 9,000 requests a minute (150/s).
const CAPACITY_RPM = 18_000;
const RESERVE = 0.5;
const BATCH_RPS = Math.floor((CAPACITY_RPM * (1 - RESERVE)) / 60);
const SECRET = "bench-batches-secret-0123456789abcdef";

function signedFetch(url: string, pathAndQuery: string, method = "GET", body = ""): Promise<Response> {
  return signedFetchAs({ url, pathAndQuery, method, body, keyId: "bench", secret: SECRET });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface SliceResult {
  latencies: number[];
  /** The latest a call left after its scheduled time (the load generator itself lagging), ms. */
  maxLagMs: number;
}

/**
 * `count` signed /v1/run calls started at INTERACTIVE_RATE per second, each at its scheduled time whether or not
 * the earlier ones have answered; the latency of each (from its actual start) in milliseconds.
 */
async function interactive(url: string, count: number): Promise<SliceResult> {
  const latencies: number[] = [];
  const calls: Promise<void>[] = [];
  let maxLagMs = 0;
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1_000) / INTERACTIVE_RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    maxLagMs = Math.max(maxLagMs, performance.now() - due);
    calls.push(
      (async () => {
        const body = JSON.stringify({ ref: "support/greet@1", input: { name: `interactive ${i}` } });
        const started = process.hrtime.bigint();
        const response = await signedFetch(url, "/v1/run", "POST", body);
        const answer = await response.text();
        if (!response.ok) throw new Error(`/v1/run answered ${response.status}: ${answer}`);
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      })(),
    );
  }
  await Promise.all(calls);
  return { latencies, maxLagMs };
}

interface Status {
  status: string;
  counts: { total: number; succeeded: number; failed: number; pending: number };
  timings: { startedAt: string | null; finishedAt: string | null; durationMs: number | null };
}

type Mode = "in-process" | "separate";
type Side = "alone" | "during";

interface Slice extends SliceResult {
  side: Side;
  cycle: number;
  /** During slices only: whether the batch was still running when the slice ended. */
  batchOutlasted?: boolean;
}

interface BatchRun {
  cycle: number;
  steady: number;
  overall: number;
  succeeded: number;
  failed: number;
}

interface Measured {
  mode: Mode;
  batches: BatchRun[];
  slices: Slice[];
  load: string;
}

const redis = await startRedis();
const mock = await createMockGateway({ port: 0, latencyMs: { firstByte: GATEWAY_LATENCY_MS } });
const dir = await mkdtemp(path.join(tmpdir(), "promptreg-batch-bench-"));
const clients = path.join(dir, "clients.yaml");
await writeFile(
  clients,
  `clients:\n  - keyId: bench\n    secrets: ["${SECRET}"]\n    rateLimit: { requestsPerMinute: 100000000 }\n`,
);

/** Runs one batch of ITEMS to its end: the steady rate between 10% and 90% done and the start-to-finish rate. */
async function runBatch(
  url: string,
  whileRunning: (running: () => Promise<boolean>) => Promise<void>,
): Promise<Omit<BatchRun, "cycle">> {
  const items = Array.from({ length: ITEMS }, (_, i) => ({
    ref: "support/greet@1",
    input: { name: `item ${i}` },
  }));
  const submitted = await signedFetch(url, "/v1/batches", "POST", JSON.stringify({ items }));
  if (submitted.status !== 202)
    throw new Error(`submit answered ${submitted.status}: ${await submitted.text()}`);
  const { id } = (await submitted.json()) as { id: string };
  const status = async () => (await (await signedFetch(url, `/v1/batches/${id}`)).json()) as Status;
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
      await sleep(1_000);
    }
  })();
  await whileRunning(async () => (await status()).counts.pending > 0);
  await sampler;
  const done = finished as Status;
  const overall = (done.counts.total / (done.timings.durationMs as number)) * 1000;
  const from = samples.find((s) => s.done >= ITEMS * 0.1);
  const to = [...samples].reverse().find((s) => s.done <= ITEMS * 0.9);
  const steady = from && to && to.at > from.at ? ((to.done - from.done) / (to.at - from.at)) * 1000 : overall;
  return { steady, overall, succeeded: done.counts.succeeded, failed: done.counts.failed };
}

/**
 * One deployment, fresh service (and worker) on its own key prefix: CYCLES times A, then a batch with B, B while it
 * runs, then A once it has finished.
 */
async function measure(mode: Mode): Promise<Measured> {
  const env = {
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    PROMPTREG_TEMPLATES_DIR: new URL("../test/__fixtures__/templates/", import.meta.url).pathname,
    PROMPTREG_CLIENT_KEYS_FILE: clients,
    GATEWAY_BASE_URL: mock.url,
    GATEWAY_API_KEY: "bench-gateway-key",
    REDIS_URL: redis.url,
    PROMPTREG_REDIS_KEY_PREFIX: `${redis.keyPrefix}${mode}:`,
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
    await untilReady(service.url);
    // Warm-up (JIT, lazy imports, connections, template caches): a few calls one at a time first, since the first
    // ones are slow enough that an open loop would pile calls up behind them, then a short slice at the rate.
    for (let i = 0; i < 20; i++) await interactive(service.url, 1);
    await interactive(service.url, 200);
    const slices: Slice[] = [];
    const batches: BatchRun[] = [];
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      slices.push({ side: "alone", cycle, ...(await interactive(service.url, SLICE_CALLS)) });
      const batch = await runBatch(service.url, async (running) => {
        await sleep(3_000); // past the ramp-up
        for (let i = 0; i < 2; i++) {
          const slice = await interactive(service.url, SLICE_CALLS);
          slices.push({ side: "during", cycle, ...slice, batchOutlasted: await running() });
        }
      });
      batches.push({ cycle, ...batch });
      slices.push({ side: "alone", cycle, ...(await interactive(service.url, SLICE_CALLS)) });
      console.log(
        `${mode} cycle ${cycle}: ${batch.steady.toFixed(1)} items/s; slice p99s ${slices
          .filter((s) => s.cycle === cycle)
          .map((s) => `${s.side} ${summarize(s.latencies).p99.toFixed(1)}`)
          .join(", ")} ms`,
      );
    }
    const load = loadavg()
      .slice(0, 2)
      .map((n) => n.toFixed(1))
      .join(" / ");
    return { mode, batches, slices, load };
  } finally {
    worker?.child.kill("SIGTERM");
    service.child.kill("SIGTERM");
  }
}

let markdown: string;
try {
  const results: Measured[] = [];
  for (const mode of ["in-process", "separate"] as const) results.push(await measure(mode));
  const fmt = (n: number, digits = 1) => n.toFixed(digits);
  const label: Record<Mode, string> = { "in-process": "in the service", separate: "`pnpm worker` process" };
  const pooled = (r: Measured, side: Side) =>
    summarize(r.slices.filter((s) => s.side === side).flatMap((s) => s.latencies));
  const sliceP99s = (r: Measured, side: Side) =>
    r.slices.filter((s) => s.side === side).map((s) => summarize(s.latencies).p99);
  const range = (values: number[]) => `${fmt(Math.min(...values))}–${fmt(Math.max(...values))}`;
  /** Per cycle: the pooled p99 of its B slices ÷ that of its A slices. */
  const cycleRatios = (r: Measured) =>
    Array.from({ length: CYCLES }, (_, i) => {
      const of = (side: Side) =>
        summarize(r.slices.filter((s) => s.cycle === i + 1 && s.side === side).flatMap((s) => s.latencies))
          .p99;
      return of("during") / of("alone");
    });
  const ratio = (r: Measured) => pooled(r, "during").p99 / pooled(r, "alone").p99;
  const outlasted = (r: Measured) => r.slices.filter((s) => s.side === "during" && !s.batchOutlasted).length;
  const maxLag = Math.max(...results.flatMap((r) => r.slices.map((s) => s.maxLagMs)));
  const inProcess = results.find((r) => r.mode === "in-process") as Measured;
  const separate = results.find((r) => r.mode === "separate") as Measured;

  markdown = `${machineSummary()}

${ITEMS.toLocaleString("en")} batch items (\`support/greet\`, one gateway call each) through the service process
(\`src/main.ts\`, production mode, Redis, the mock gateway answering after ${GATEWAY_LATENCY_MS} ms), the worker at
concurrency 16 either inside the service process (the default) or in a separate \`pnpm worker\` process with the
service at \`PROMPTREG_BATCH_WORKER=off\` (the scaled deployment). Gateway capacity
${CAPACITY_RPM.toLocaleString("en")} requests/min with ${RESERVE * 100}% reserved for interactive traffic, so the batch
limit is ${BATCH_RPS} items/s (BullMQ's limiter, in windows of at least 100 ms: request-window.ts in packages/batches). The steady rate is the finished items
between 10% and 90% done, sampled once a second (ramp-up and drain excluded); first start to last finish is also shown.

Interactive load: signed \`/v1/run\` calls started at a steady ${INTERACTIVE_RATE} per second (an open loop: a call
leaves at its time whether or not earlier ones answered; the load generator left at most ${fmt(maxLag)} ms late), in
slices of ${SLICE_CALLS.toLocaleString("en")} calls. Each deployment runs ${CYCLES} cycles of A, B, B, A: a slice
without a batch, a batch with two slices while it runs (from 3 s after it was submitted), a slice once it has
finished; so each side pools ${(SLICE_CALLS * 2 * CYCLES).toLocaleString("en")} calls of the same processes, and load drift
on the shared box hits both. The p99 of each side is over its pooled calls (nearest rank: the call with
${SLICE_CALLS * 2 * CYCLES - Math.ceil(SLICE_CALLS * 2 * CYCLES * 0.99)} slower ones); the per-slice p99s (of ${SLICE_CALLS.toLocaleString("en")}
calls each) and the per-cycle ratios show the spread.

${markdownTable(
  ["worker", "batch", "steady items/s", "÷ limit", "start to finish items/s", "ok / failed"],
  results.flatMap((r) =>
    r.batches.map((b) => [
      label[r.mode],
      String(b.cycle),
      fmt(b.steady),
      formatRatio(b.steady / BATCH_RPS),
      fmt(b.overall),
      `${b.succeeded} / ${b.failed}`,
    ]),
  ),
)}

${markdownTable(
  [
    "worker",
    "p50 / p99 without a batch (ms)",
    "p50 / p99 during (ms)",
    "p99 during ÷ without",
    "per-cycle ratios",
    "slice p99s without",
    "slice p99s during",
    "load avg",
  ],
  results.map((r) => [
    label[r.mode],
    `${fmt(pooled(r, "alone").median)} / ${fmt(pooled(r, "alone").p99)}`,
    `${fmt(pooled(r, "during").median)} / ${fmt(pooled(r, "during").p99)}${outlasted(r) > 0 ? ` (the batch ended before ${outlasted(r)} of these slices did)` : ""}`,
    formatRatio(ratio(r)),
    cycleRatios(r).map(formatRatio).join(", "),
    range(sliceP99s(r, "alone")),
    range(sliceP99s(r, "during")),
    r.load,
  ]),
)}

Targets (issue 13): steady rate ÷ limit 0.95 to 1.05; p99 during ÷ without ≤ 1.2.`;
  writeBenchmarkSection({
    id: "batches",
    title: "Batch jobs: throughput under the rate limit, interactive latency alongside",
    markdown,
    headlines: [
      {
        metric: "batch steady rate ÷ configured limit",
        values: inProcess.batches.map((b) => b.steady / BATCH_RPS),
        target: { min: 0.95, max: 1.05 },
      },
      {
        metric: "interactive p99 during batch ÷ without (pooled)",
        values: [ratio(inProcess)],
        target: { max: 1.2 },
      },
      {
        metric: "batch steady rate ÷ configured limit (separate worker)",
        values: separate.batches.map((b) => b.steady / BATCH_RPS),
        target: { min: 0.95, max: 1.05 },
      },
      {
        metric: "interactive p99 during batch ÷ without (pooled, separate worker)",
        values: [ratio(separate)],
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
