// Batch jobs under load: 10,000 items through the real service process (worker inside it, Redis, the mock gateway),
// measured for throughput against the configured batch rate limit, and the p99 latency of interactive /v1/run calls
// made while the batch runs against the same calls made before it (same run, same process).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  formatRatio,
  machineSummary,
  markdownTable,
  summarize,
  writeBenchmarkSection,
} from "@promptreg/bench-kit";
import { createMockGateway } from "@promptreg/mock-gateway";
import { signRequest } from "@promptreg/signing";
import { startRedis } from "@promptreg/test-kit";

const ITEMS = Number(process.env.BENCH_BATCH_ITEMS ?? 10_000);
const INTERACTIVE_CALLS = Number(process.env.BENCH_INTERACTIVE_CALLS ?? 1_500);
const INTERACTIVE_CONCURRENCY = 4;
const GATEWAY_LATENCY_MS = 20;
// The gateway's capacity and the share kept for interactive calls: batches get 9,000 requests a minute (150/s).
const CAPACITY_RPM = 18_000;
const RESERVE = 0.5;
const BATCH_RPS = Math.floor((CAPACITY_RPM * (1 - RESERVE)) / 60);
const SECRET = "bench-batches-secret-0123456789abcdef";
const SERVER_DIR = new URL("../", import.meta.url).pathname;

function signedFetch(url: string, pathAndQuery: string, method = "GET", body = ""): Promise<Response> {
  const headers = signRequest({ keyId: "bench", secret: SECRET, method, pathAndQuery, body });
  return fetch(url + pathAndQuery, {
    method,
    headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) },
    body: body || undefined,
  });
}

async function startService(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: SERVER_DIR,
    env: { PATH: process.env.PATH, PORT: "0", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr?.on("data", (chunk) => {
      stderr += String(chunk);
      const match = /promptreg listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match) resolve(match[1] as string);
    });
    child.once("exit", (code) => reject(new Error(`service exited with ${code}: ${stderr}`)));
  });
  return { url, child };
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

const redis = await startRedis();
const mock = await createMockGateway({ port: 0, latencyMs: { firstByte: GATEWAY_LATENCY_MS } });
const dir = await mkdtemp(path.join(tmpdir(), "promptreg-batch-bench-"));
const clients = path.join(dir, "clients.yaml");
await writeFile(
  clients,
  `clients:\n  - keyId: bench\n    secrets: ["${SECRET}"]\n    rateLimit: { requestsPerMinute: 100000000 }\n`,
);
const service = await startService({
  NODE_ENV: "production",
  LOG_LEVEL: "warn",
  PROMPTREG_TEMPLATES_DIR: new URL("../test/__fixtures__/templates/", import.meta.url).pathname,
  PROMPTREG_CLIENT_KEYS_FILE: clients,
  GATEWAY_BASE_URL: mock.url,
  GATEWAY_API_KEY: "bench-gateway-key",
  REDIS_URL: redis.url,
  PROMPTREG_REDIS_KEY_PREFIX: redis.keyPrefix,
  PROMPTREG_GATEWAY_CAPACITY_RPM: String(CAPACITY_RPM),
  PROMPTREG_BATCH_INTERACTIVE_RESERVE: String(RESERVE),
  PROMPTREG_BATCH_CONCURRENCY: "16",
});

// With Redis the nonce store refuses requests signed before the second it first saw this key prefix (its epoch).
await new Promise((resolve) => setTimeout(resolve, 1_005 - (Date.now() % 1_000)));

let markdown: string;
try {
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
  const steady = from && to && to.at > from.at ? ((to.done - from.done) / (to.at - from.at)) * 1000 : overall;
  const a = summarize(alone);
  const d = summarize(during);
  const rateRatio = steady / BATCH_RPS;
  const p99Ratio = d.p99 / a.p99;
  const fmt = (n: number, digits = 1) => n.toFixed(digits);

  markdown = `${machineSummary()}

${ITEMS.toLocaleString("en")} batch items (\`support/greet\`, one gateway call each) through the service process
(\`src/main.ts\`, production mode, its in-process worker at concurrency 16, Redis, the mock gateway answering after
${GATEWAY_LATENCY_MS} ms). Gateway capacity ${CAPACITY_RPM.toLocaleString("en")} requests/min with
${RESERVE * 100}% reserved for interactive traffic, so the batch limit is ${BATCH_RPS} items/s. Interactive load:
${INTERACTIVE_CALLS.toLocaleString("en")} signed \`/v1/run\` calls from ${INTERACTIVE_CONCURRENCY} closed loops, once before
the batch and once while it runs (same process, same run; the batch was ${stillRunning ? "still running when the interactive calls ended" : "**finished before the interactive calls ended**"}).

${markdownTable(
  ["measure", "value", "target"],
  [
    ["batch items/s, steady (10% to 90% done)", fmt(steady), `${BATCH_RPS} ± 5%`],
    ["batch items/s, first start to last finish", fmt(overall), ""],
    ["steady rate ÷ configured limit", formatRatio(rateRatio), "0.95 to 1.05"],
    ["items succeeded / failed", `${done.counts.succeeded} / ${done.counts.failed}`, `${ITEMS} / 0`],
    ["interactive p50 / p99 alone (ms)", `${fmt(a.median)} / ${fmt(a.p99)}`, ""],
    ["interactive p50 / p99 during the batch (ms)", `${fmt(d.median)} / ${fmt(d.p99)}`, ""],
    ["interactive p99 during ÷ alone", formatRatio(p99Ratio), "≤ 1.2"],
  ],
)}`;
  writeBenchmarkSection({
    id: "batches",
    title: "Batch jobs: throughput under the rate limit, interactive latency alongside",
    markdown,
    headlines: [
      {
        metric: "batch steady rate ÷ configured limit",
        values: [rateRatio],
        target: { min: 0.95, max: 1.05 },
      },
      { metric: "interactive p99 during batch ÷ alone", values: [p99Ratio], target: { max: 1.2 } },
    ],
  });
  console.log(markdown);
} finally {
  service.child.kill("SIGTERM");
  await mock.close();
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
}
