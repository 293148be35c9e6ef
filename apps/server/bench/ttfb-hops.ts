// Where the first streamed byte's time goes, hop by hop: `node --import tsx bench/ttfb-hops.ts` (in apps/server).
// The mock gateway and the service run in child processes (bench-child.ts) with bench/hop-clock.ts preloaded, which
// stamps each request's hops on the monotonic clock that every process of the machine shares; this process sends
// sequential streamed requests straight to the mock and through the service (signed /v1/run), as row c of
// server.bench.ts does, and prints the median of each hop for both paths. Timestamps of different processes are
// comparable, so a gap between two processes is the kernel handing bytes over and waking the reader (plus the reader's
// work before the hook), and a gap inside one process is that process's work or waiting. HOPS_LOAD_SECONDS=N first
// loads the service for N s each with signed /v1/render and /v1/run at 32 connections, as server.bench.ts does before
// row c, to see whether a service that has served that load (nonces stored, stats ring full, a larger heap, its
// connection pool to the mock grown) is slower to its first byte than a fresh one.
import { once } from "node:events";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { summarize } from "@promptreg/bench-kit";
import { loadRegistryFromDir } from "@promptreg/registry";
import { createRenderer } from "@promptreg/renderer";
import { buildChatRequest } from "@promptreg/runtime";
import { signRequest } from "@promptreg/signing";
import autocannon from "autocannon";
import { startMockAndService } from "./bench-child.js";
import { type FirstByteSample, firstBytes } from "./first-byte.js";
import type { HopStamps } from "./hop-clock.js";
import { RENDER_BODY, RUN_BODY, STREAM_BODY } from "./request-bodies.js";
import { signedPool } from "./signed-pool.js";

const SECRET = "bench-secret-0123456789abcdefghij";
const SAMPLES = Number(process.env.HOPS_SAMPLES ?? 300);
const LOAD_SECONDS = Number(process.env.HOPS_LOAD_SECONDS ?? 0);
const ROUNDS = Number(process.env.HOPS_ROUNDS ?? 2);
const LOADS = { "/v1/render": RENDER_BODY, "/v1/run": RUN_BODY };

const files = { mock: path.join(tmpdir(), `hops-mock-${process.pid}.json`), service: "" };
files.service = path.join(tmpdir(), `hops-service-${process.pid}.json`);
const { mock, mockUrl, service, serviceUrl } = await startMockAndService(SECRET, {
  mock: { env: { HOP_CLOCK_FILE: files.mock }, preload: "./hop-clock.ts" },
  service: { env: { HOP_CLOCK_FILE: files.service }, preload: "./hop-clock.ts" },
});

const registry = await loadRegistryFromDir(
  fileURLToPath(new URL("../test/__fixtures__/templates/", import.meta.url)),
);
const greet = buildChatRequest(createRenderer({ registry }).render("support/greet", { name: "Ada" }));
const sides = {
  direct: {
    url: `${mockUrl}/chat/completions`,
    body: JSON.stringify({ ...greet, stream: true }),
    headers: () => ({ "content-type": "application/json" }),
  },
  through: {
    url: `${serviceUrl}/v1/run`,
    body: STREAM_BODY,
    headers: () => ({
      "content-type": "application/json",
      ...signRequest({
        keyId: "bench",
        secret: SECRET,
        method: "POST",
        pathAndQuery: "/v1/run",
        body: STREAM_BODY,
      }),
    }),
  },
};
for (const [route, body] of LOAD_SECONDS > 0 ? Object.entries(LOADS) : []) {
  const pool = signedPool({ keyId: "bench", secret: SECRET, path: route, body, size: LOAD_SECONDS * 6_000 });
  const result = await autocannon({
    url: serviceUrl,
    connections: 32,
    duration: LOAD_SECONDS,
    requests: [
      {
        method: "POST",
        path: route,
        body,
        setupRequest: (request) => ({ ...request, headers: pool.next() }),
      },
    ],
  });
  console.log(
    `load before measuring: ${route} ${Math.round(result.requests.average)} req/s, ${result.non2xx} non-2xx`,
  );
}
const sent: { side: keyof typeof sides; sample: FirstByteSample }[] = [];
const ttfb = { direct: [] as number[], through: [] as number[] };
for (let round = 0; round < ROUNDS; round++) {
  for (const side of ["direct", "through", "through", "direct"] as const) {
    const times = await firstBytes({
      ...sides[side],
      samples: SAMPLES,
      onSample: (sample) => sent.push({ side, sample }),
    });
    ttfb[side].push(...times);
  }
}
const exits = [once(mock.child, "exit"), once(service.child, "exit")];
mock.child.disconnect();
service.child.disconnect();
await Promise.all(exits);
const read = (file: string) => {
  const stamps = JSON.parse(readFileSync(file, "utf8")) as HopStamps[];
  rmSync(file);
  return stamps;
};
const mockStamps = read(files.mock);
const serviceStamps = read(files.service);

/** The one request a process received while `sample` was in flight (undefined if not exactly one). */
function during(stamps: HopStamps[], sample: FirstByteSample): HopStamps | undefined {
  const hits = stamps.filter((s) => s.received >= sample.startedUs && s.received <= sample.endedUs);
  return hits.length === 1 ? hits[0] : undefined;
}

const hops = new Map<string, number[]>();
const add = (name: string, from: number | undefined, to: number | undefined) => {
  if (from === undefined || to === undefined) return;
  hops.set(name, [...(hops.get(name) ?? []), to - from]);
};
for (const { side, sample } of sent) {
  const upstream = during(mockStamps, sample);
  if (!upstream) continue;
  const mockWrote = upstream.secondWrite ?? upstream.firstWrite;
  if (side === "direct") {
    add("direct: fetch() called -> mock parsed the request", sample.startedUs, upstream.received);
    add("direct: mock parsed -> mock wrote headers", upstream.received, upstream.firstWrite);
    add("direct: mock wrote headers -> mock wrote the body", upstream.firstWrite, upstream.secondWrite);
    add("direct: mock wrote the body -> client read its first byte", mockWrote, sample.firstByteUs);
    continue;
  }
  const served = during(serviceStamps, sample);
  if (!served) continue;
  add("through: fetch() called -> service parsed the request", sample.startedUs, served.received);
  add("through: service parsed -> upstream request created", served.received, served.upstreamCreated);
  add(
    "through: upstream request created -> its bytes handed to the socket",
    served.upstreamCreated,
    served.upstreamSent,
  );
  add("through: service sent -> mock parsed the request", served.upstreamSent, upstream.received);
  add("through: mock parsed -> mock wrote headers", upstream.received, upstream.firstWrite);
  add("through: mock wrote headers -> mock wrote the body", upstream.firstWrite, upstream.secondWrite);
  add("through: mock wrote headers -> service read them", upstream.firstWrite, served.upstreamHeaders);
  add("through: mock wrote the body -> service read its first chunk", mockWrote, served.upstreamBody);
  add("through: service read the first chunk -> first frame left", served.upstreamBody, served.firstWrite);
  add("through: first frame left -> client read its first byte", served.firstWrite, sample.firstByteUs);
}

const median = (values: number[]) => summarize(values).median;
console.log(
  `${SAMPLES} x 2 sequential streamed requests per side and round, ${ROUNDS} rounds: time to first byte direct ` +
    `${median(ttfb.direct).toFixed(2)} ms, through the service ${median(ttfb.through).toFixed(2)} ms ` +
    `(+${(median(ttfb.through) - median(ttfb.direct)).toFixed(2)} ms)\n`,
);
for (const [name, values] of hops) {
  console.log(`${median(values).toFixed(0).padStart(6)} µs  ${name} (${values.length} requests)`);
}
