// Shared state on Redis against the in-memory default (docs/benchmarks.md, "shared-state"): two service processes
// (src/main.ts, production mode), the same configuration except REDIS_URL, answer signed POST /v1/render under the
// same autocannon load, measured memory, Redis, Redis, memory in slices (so drift on the shared box hits both), a few
// rounds. Redis is a server of this benchmark's own, so INFO's counters are this service's alone: the Redis time
// per request (the sum of commandstats' usec over the Redis slices, divided by their requests) and the reads per
// request (total_reads_processed: one per round trip, at most).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  formatRatio,
  machineSummary,
  markdownTable,
  summarize,
  writeBenchmarkSection,
} from "@promptreg/bench-kit";
import { startRedis } from "@promptreg/test-kit";
import autocannon from "autocannon";
import { Redis } from "ioredis";
import { RENDER_BODY as BODY } from "./request-bodies.js";
import { SERVICE_READY, startProcess, untilReady } from "./service-process.js";
import { signedPool } from "./signed-pool.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = Number(process.env.BENCH_DURATION ?? 3);
const CONNECTIONS = 32;
const SECRET = "bench-shared-state-secret-0123456789";
const PATH = "/v1/render";

interface Slice {
  rps: number;
  p99: number;
  requests: number;
}

const redis = await startRedis({ dedicated: true });
const probe = new Redis(redis.url, { maxRetriesPerRequest: 0 });
const dir = await mkdtemp(path.join(tmpdir(), "promptreg-shared-state-bench-"));
const clients = path.join(dir, "clients.yaml");
await writeFile(
  clients,
  `clients:\n  - keyId: bench\n    secrets: ["${SECRET}"]\n    rateLimit: { requestsPerMinute: 100000000 }\n`,
);
const env = {
  NODE_ENV: "production",
  LOG_LEVEL: "warn",
  PROMPTREG_TEMPLATES_DIR: fileURLToPath(new URL("../test/__fixtures__/templates/", import.meta.url)),
  PROMPTREG_CLIENT_KEYS_FILE: clients,
  // Render never calls the gateway; a configured one keeps the simulated gateway out of the process.
  GATEWAY_BASE_URL: "http://127.0.0.1:9/v1",
  GATEWAY_API_KEY: "bench-gateway-key",
  PROMPTREG_BATCH_WORKER: "off",
};
const services = await Promise.all([
  startProcess("src/main.ts", env, SERVICE_READY),
  startProcess(
    "src/main.ts",
    { ...env, REDIS_URL: redis.url, PROMPTREG_REDIS_KEY_PREFIX: redis.keyPrefix },
    SERVICE_READY,
  ),
]);
const [memoryUrl, redisUrl] = services.map((service) => service.url) as [string, string];

const lastRps = new Map<string, number>();
let signedLate = 0;

/** DURATION s of autocannon on `url`, every request signed before the slice (bench/signed-pool.ts). */
async function cannon(url: string): Promise<Slice> {
  const pool = signedPool({
    keyId: "bench",
    secret: SECRET,
    path: PATH,
    body: BODY,
    size: Math.ceil((lastRps.get(url) ?? 3_000) * DURATION * 2) + 1_000,
  });
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [
      {
        method: "POST",
        path: PATH,
        body: BODY,
        setupRequest: (request) => ({ ...request, headers: pool.next() }),
      },
    ],
  });
  signedLate += pool.late;
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${url}${PATH}: ${bad} failed requests out of ${result.requests.total}`);
  const rps = result.requests.total / (result.duration || DURATION);
  lastRps.set(url, Math.max(rps, lastRps.get(url) ?? 0));
  return { rps, p99: result.latency.p99, requests: result.requests.total };
}

/** The commands the service sends itself; commandstats also counts each command a script runs, inside its EVALSHA. */
const TOP_LEVEL = new Set(["evalsha", "eval", "xadd"]);

/**
 * Redis's own counters: microseconds spent in the service's commands, Redis's CPU time (commands plus reading and
 * answering the sockets) and client reads handled.
 */
async function redisCounters(): Promise<{ usec: number; cpuUs: number; reads: number }> {
  const [commands, stats, cpu] = await Promise.all([
    probe.info("commandstats"),
    probe.info("stats"),
    probe.info("cpu"),
  ]);
  let usec = 0;
  for (const [, name, spent] of commands.matchAll(/cmdstat_(\S+?):calls=\d+,usec=(\d+)/g))
    if (TOP_LEVEL.has(name as string)) usec += Number(spent);
  const seconds = (field: string) => Number(new RegExp(`${field}:([\\d.]+)`).exec(cpu)?.[1]);
  return {
    usec,
    cpuUs: (seconds("used_cpu_user") + seconds("used_cpu_sys")) * 1e6,
    reads: Number(/total_reads_processed:(\d+)/.exec(stats)?.[1]),
  };
}

interface Round {
  memory: Slice;
  redis: Slice;
  usecPerRequest: number;
  cpuUsPerRequest: number;
  readsPerRequest: number;
}

let markdown: string;
try {
  await Promise.all([untilReady(memoryUrl), untilReady(redisUrl)]);
  await cannon(memoryUrl); // warm-up: JIT, connections, template caches, the Redis script loaded
  await cannon(redisUrl);
  signedLate = 0;
  const rounds: Round[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const slices = { memory: [] as Slice[], redis: [] as Slice[] };
    let usec = 0;
    let cpuUs = 0;
    let reads = 0;
    for (const side of ["memory", "redis", "redis", "memory"] as const) {
      if (side === "memory") {
        slices.memory.push(await cannon(memoryUrl));
        continue;
      }
      const before = await redisCounters();
      slices.redis.push(await cannon(redisUrl));
      const after = await redisCounters();
      usec += after.usec - before.usec;
      cpuUs += after.cpuUs - before.cpuUs;
      // The INFO calls of `after` are two reads of their own.
      reads += after.reads - before.reads - 2;
    }
    const combine = (list: Slice[]): Slice => ({
      rps: list.reduce((sum, slice) => sum + slice.rps, 0) / list.length,
      p99: Math.max(...list.map((slice) => slice.p99)),
      requests: list.reduce((sum, slice) => sum + slice.requests, 0),
    });
    const memory = combine(slices.memory);
    const onRedis = combine(slices.redis);
    rounds.push({
      memory,
      redis: onRedis,
      usecPerRequest: usec / onRedis.requests,
      cpuUsPerRequest: cpuUs / onRedis.requests,
      readsPerRequest: reads / onRedis.requests,
    });
    console.log(`round ${round + 1}:`, JSON.stringify(rounds.at(-1)));
  }

  const fmt = (n: number, digits = 0) => n.toFixed(digits);
  const med = (values: number[]) => summarize(values).median;
  const spread = (values: number[]) => `${fmt(Math.min(...values), 2)}–${fmt(Math.max(...values), 2)}`;
  const rpsRatio = rounds.map((r) => r.redis.rps / r.memory.rps);
  const p99Ratio = rounds.map((r) => r.redis.p99 / Math.max(r.memory.p99, 1));
  const usec = rounds.map((r) => r.usecPerRequest);
  const cpuUs = rounds.map((r) => r.cpuUsPerRequest);
  const reads = rounds.map((r) => r.readsPerRequest);

  markdown = `${machineSummary()}

Two service processes (\`src/main.ts\`, production mode, logging at warn), the same configuration except that one keeps
nonces, rate limits and stats in memory (the default) and the other on Redis (\`REDIS_URL\`, a \`redis-server\` of
this benchmark's own on 127.0.0.1). Autocannon sends signed \`POST ${PATH}\` from ${CONNECTIONS} keep-alive connections,
every request signed with a fresh nonce before its slice (bench/signed-pool.ts; signed during a slice because a pool
ran out: ${signedLate}); each round measures memory, Redis, Redis, memory in ${DURATION} s slices, ${ROUNDS} rounds.
On Redis a signed request makes one round trip (the replay check, the rate limit and the nonce in one script) and its
stats sample is sent with the others once a second. Per request of the Redis slices: Redis time in commands is
\`INFO commandstats\`'s \`usec\` of the commands the service sends (EVALSHA, with the commands its script runs, and
the flushed XADDs); Redis CPU adds reading and answering the sockets (\`INFO cpu\`, user + sys; the four INFO calls
of a slice are in it, a few hundred µs against thousands of requests); reads are \`total_reads_processed\` (at
most one per round trip: concurrent requests' commands can share a read). Redis shares the 2 cores with the
services and autocannon, so its times include being preempted.

${markdownTable(
  ["measurement", "memory", "Redis", "Redis ÷ memory (median of rounds)", "spread over rounds"],
  [
    [
      "signed POST /v1/render, req/s",
      fmt(med(rounds.map((r) => r.memory.rps))),
      fmt(med(rounds.map((r) => r.redis.rps))),
      formatRatio(med(rpsRatio)),
      spread(rpsRatio),
    ],
    [
      "same, p99 ms (worse of a round's two slices)",
      fmt(med(rounds.map((r) => r.memory.p99))),
      fmt(med(rounds.map((r) => r.redis.p99))),
      formatRatio(med(p99Ratio)),
      spread(p99Ratio),
    ],
    ["Redis time in commands per request, µs", "", fmt(med(usec), 1), "", spread(usec)],
    ["Redis CPU per request, µs", "", fmt(med(cpuUs), 1), "", spread(cpuUs)],
    ["Redis reads per request", "", fmt(med(reads), 2), "", spread(reads)],
  ],
)}

Run: \`pnpm bench -- shared-state\`.`;
  writeBenchmarkSection({
    id: "shared-state",
    title: "Service: shared state on Redis vs in memory",
    markdown,
    headlines: [
      { metric: "render on Redis state ÷ memory state, throughput", values: rpsRatio },
      { metric: "render on Redis state ÷ memory state, p99", values: p99Ratio },
      { metric: "Redis command µs per signed render", values: usec },
      { metric: "Redis CPU µs per signed render", values: cpuUs },
    ],
  });
  console.log(markdown);
} finally {
  for (const service of services) service.child.kill("SIGTERM");
  probe.disconnect();
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
}
