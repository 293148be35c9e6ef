// Benchmarks the service against baselines measured side by side in the same run (docs/benchmarks.md, "server"):
//  a. signed POST /v1/render vs a bare Express app with express.json() answering a fixed JSON of the same size;
//  b. POST /v1/run vs the gateway client calling the same upstream directly, at the same concurrency, beside what a bare
//     pass-through proxy process costs there (the floor of any process in between);
//  c. added time to the first streamed byte at concurrency 1 (service vs calling the upstream directly), beside what a
//     bare pass-through proxy process adds (the floor of any process in between);
//  plus the render route vs the service's own middleware stack answering precomputed JSON (where the cost sits).
// The service, the bare app, the bare proxy, the mock gateway and the direct caller of row b each run in a child process
// of their own on 127.0.0.1
// and end when this process disconnects from them (or dies). Every request of a slice is signed (fresh nonce) before the
// slice starts, for both sides (bench/signed-pool.ts), so the load generator sends prepared bytes.
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { formatRatio, markdownTable, summarize, writeBenchmarkSection } from "@promptreg/bench-kit";
import { loadRegistryFromDir } from "@promptreg/registry";
import { createRenderer } from "@promptreg/renderer";
import { buildChatRequest } from "@promptreg/runtime";
import { signRequest } from "@promptreg/signing";
import autocannon from "autocannon";
import { renderRequestSchema } from "../src/http/schemas.js";
import { startBenchChild, startDirectCaller } from "./bench-child.js";
import { firstBytes } from "./first-byte.js";
import { RENDER_BODY, RUN_BODY, STREAM_BODY } from "./request-bodies.js";
import { signedPool } from "./signed-pool.js";

const SECRET = "bench-secret-0123456789abcdefghij";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = Number(process.env.BENCH_DURATION ?? 2);
const CONNECTIONS = 32;
const TTFB_SAMPLES = 75;

const children: ChildProcess[] = [];
process.on("exit", () => {
  for (const child of children) child.kill();
});

/** Starts a bench child (bench-child.ts) and resolves with the URL it reports over IPC. */
function startChild(file: string, env: Record<string, string> = {}): Promise<string> {
  const { child, url } = startBenchChild(file, env);
  children.push(child);
  return url;
}

// The templates, the render answer and the chat request the service sends upstream, computed here so the
// baselines send and receive the same bytes as the service.
const registry = await loadRegistryFromDir(
  fileURLToPath(new URL("../test/__fixtures__/templates/", import.meta.url)),
);
const renderer = createRenderer({ registry });
const renderInput = JSON.parse(RENDER_BODY) as { ref: string; input: unknown };
const rendered = renderer.render(renderInput.ref, renderInput.input);
const renderAnswer = JSON.stringify({
  ref: rendered.ref,
  messages: rendered.messages,
  model: rendered.model,
  params: rendered.params,
  fallbacks: rendered.fallbacks,
  outputSchema: rendered.outputSchema ?? null,
});
const greetRequest = buildChatRequest(renderer.render("support/greet", { name: "Ada" }));
const directStream = JSON.stringify({ ...greetRequest, stream: true });

/**
 * In-process cost of the render handler's own work (body schema, resolve, validate, render, serialise) against the
 * floor of parsing and serialising the same bytes: the HTTP numbers below are dominated by the network stack.
 */
function handlerMicro(): { ours: number[]; floor: number[] } {
  const ours = () => {
    const body = renderRequestSchema.parse(JSON.parse(RENDER_BODY));
    return JSON.stringify(renderer.render(body.ref, body.input));
  };
  const floor = () => {
    JSON.parse(RENDER_BODY);
    return JSON.stringify(JSON.parse(renderAnswer));
  };
  const sample = (fn: () => unknown) => {
    for (let i = 0; i < 5_000; i++) fn();
    const out: number[] = [];
    for (let batch = 0; batch < 200; batch++) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < 100; i++) fn();
      out.push(Number(process.hrtime.bigint() - start) / 100 / 1000);
    }
    return out;
  };
  return { ours: sample(ours), floor: sample(floor) };
}
const micro = handlerMicro();

const mockUrl = await startChild("./mock.ts");
const mockRoot = mockUrl.replace(/\/v1$/, "");
const [serviceUrl, bareUrl, proxyUrl, plainProxyUrl] = await Promise.all([
  startChild("./serve.ts", { MOCK_URL: mockUrl, BENCH_SECRET: SECRET, BASELINE_BODY: renderAnswer }),
  startChild("./bare-express.ts", { BASELINE_BODY: renderAnswer }),
  startChild("./bare-proxy.ts", { MOCK_URL: mockUrl, UPSTREAM_BODY: directStream }),
  startChild("./bare-proxy.ts", { MOCK_URL: mockUrl, UPSTREAM_BODY: JSON.stringify(greetRequest) }),
]);

function signedHeaders(path: string, body: string): Record<string, string> {
  return {
    "content-type": "application/json",
    ...signRequest({ keyId: "bench", secret: SECRET, method: "POST", pathAndQuery: path, body }),
  };
}

// The baseline must answer exactly as many bytes as the service does.
const probe = await fetch(`${serviceUrl}/v1/render`, {
  method: "POST",
  headers: signedHeaders("/v1/render", RENDER_BODY),
  body: RENDER_BODY,
});
const probeText = await probe.text();
if (probe.status !== 200 || probeText.length !== renderAnswer.length) {
  throw new Error(
    `the service's render answer (${probe.status}, ${probeText.length} bytes) is not the baseline's`,
  );
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
}

/** The last throughput seen per URL and path, to size the next slice's pool of signed requests. */
const lastRps = new Map<string, number>();
/** Requests that had to be signed during a slice because its pool ran out (reported; should stay 0). */
let signedLate = 0;

/**
 * DURATION seconds of autocannon, CONNECTIONS keep-alive connections. Both sides send the same requests: a pool of
 * signed headers (one fresh nonce each) made before the slice, three times what the fastest slice of this side needed, so the
 * load generator pays no HMAC or nonce during the slice, and autocannon rebuilds each request from its pool entry on
 * both sides alike. The bare baseline ignores the signature headers; the service verifies every one.
 */
async function cannon(url: string, path: string, body: string): Promise<Load> {
  const key = url + path;
  const pool = signedPool({
    keyId: "bench",
    secret: SECRET,
    path,
    body,
    // Three times the fastest slice so far (a warm-up on a cold JIT undercounts what a later slice sends).
    size: Math.ceil((lastRps.get(key) ?? 5_000) * DURATION * 3) + 1_000,
  });
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [
      { method: "POST", path, body, setupRequest: (request) => ({ ...request, headers: pool.next() }) },
    ],
  });
  signedLate += pool.late;
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${path}: ${bad} failed requests out of ${result.requests.total}`);
  const rps = result.requests.total / (result.duration || DURATION);
  lastRps.set(key, Math.max(rps, lastRps.get(key) ?? 0));
  return { rps, p50: result.latency.p50, p99: result.latency.p99 };
}

/**
 * The gateway client calling the upstream directly: CONNECTIONS concurrent callers for DURATION seconds, in a child
 * process of its own (direct-caller.ts) as every other side is.
 */
const directCaller = await startDirectCaller(mockUrl, greetRequest);
children.push(directCaller.child);
async function direct(): Promise<Load> {
  const { latencies, elapsedMs } = await directCaller.load({ seconds: DURATION, callers: CONNECTIONS });
  const stats = summarize(latencies);
  return { rps: latencies.length / (elapsedMs / 1000), p50: stats.median, p99: stats.p99 };
}

/**
 * A and B measured as A, B, B, A (each slice DURATION s) and combined per side, so drift in the shared box's load
 * hits both sides equally. Returns the mean throughput and the worse p99 of each side's slices.
 */
async function abba(a: () => Promise<Load>, b: () => Promise<Load>): Promise<{ a: Load; b: Load }> {
  const slices = { a: [] as Load[], b: [] as Load[] };
  for (const side of ["a", "b", "b", "a"] as const) slices[side].push(await (side === "a" ? a : b)());
  const combine = (list: Load[]): Load => ({
    rps: list.reduce((sum, x) => sum + x.rps, 0) / list.length,
    p50: list.reduce((sum, x) => sum + x.p50, 0) / list.length,
    p99: Math.max(...list.map((x) => x.p99)),
  });
  return { a: combine(slices.a), b: combine(slices.b) };
}

/** Sequential streamed requests; the time to the first body byte of each (after 10 warm-up requests). */
function ttfb(url: string, path: string, body: string, signed: boolean): Promise<number[]> {
  return firstBytes({
    url: url + path,
    body,
    headers: () => (signed ? signedHeaders(path, body) : { "content-type": "application/json" }),
    samples: TTFB_SAMPLES,
  });
}

const render = () => cannon(serviceUrl, "/v1/render", RENDER_BODY);

interface Row {
  render: Load;
  bare: Load;
  renderSame: Load;
  sameStack: Load;
  run: Load;
  direct: Load;
  runBesideProxy: Load;
  proxy: Load;
  ttfbService: number;
  ttfbDirect: number;
  ttfbProxy: number;
  ttfbServiceP99: number;
  ttfbDirectP99: number;
}
const rounds: Row[] = [];
// Warm-up every path once so JIT and connection pools are settled before measuring.
await render();
await cannon(bareUrl, "/v1/render", RENDER_BODY);
await cannon(serviceUrl, "/v1/bench-static", RENDER_BODY);
await cannon(serviceUrl, "/v1/run", RUN_BODY);
await cannon(plainProxyUrl, "/v1/run", RUN_BODY);
await direct();
signedLate = 0;
for (let round = 0; round < ROUNDS; round++) {
  const bare = await abba(render, () => cannon(bareUrl, "/v1/render", RENDER_BODY));
  const same = await abba(render, () => cannon(serviceUrl, "/v1/bench-static", RENDER_BODY));
  const run = await abba(() => cannon(serviceUrl, "/v1/run", RUN_BODY), direct);
  // The plain proxy gets the service's signed requests too (and ignores them): the same load generator cost per side.
  const floor = await abba(
    () => cannon(serviceUrl, "/v1/run", RUN_BODY),
    () => cannon(plainProxyUrl, "/v1/run", RUN_BODY),
  );
  // The proxy gets the service's signed requests (and ignores them), so the load generator pays the same per side.
  const direct1 = await ttfb(mockRoot, "/v1/chat/completions", directStream, false);
  const through1 = await ttfb(serviceUrl, "/v1/run", STREAM_BODY, true);
  const proxy1 = await ttfb(proxyUrl, "/v1/run", STREAM_BODY, true);
  const proxy2 = await ttfb(proxyUrl, "/v1/run", STREAM_BODY, true);
  const through2 = await ttfb(serviceUrl, "/v1/run", STREAM_BODY, true);
  const direct2 = await ttfb(mockRoot, "/v1/chat/completions", directStream, false);
  const directTtfb = summarize([...direct1, ...direct2]);
  const through = summarize([...through1, ...through2]);
  rounds.push({
    render: bare.a,
    bare: bare.b,
    renderSame: same.a,
    sameStack: same.b,
    run: run.a,
    direct: run.b,
    runBesideProxy: floor.a,
    proxy: floor.b,
    ttfbService: through.median,
    ttfbDirect: directTtfb.median,
    ttfbProxy: summarize([...proxy1, ...proxy2]).median,
    ttfbServiceP99: through.p99,
    ttfbDirectP99: directTtfb.p99,
  });
  console.log(`round ${round + 1}:`, JSON.stringify(rounds.at(-1)));
}
for (const child of children) child.disconnect();

const fmt = (n: number, digits = 0) => n.toFixed(digits);
const spread = (values: number[]) => `${fmt(Math.min(...values), 2)}–${fmt(Math.max(...values), 2)}`;
const med = (values: number[]) => summarize(values).median;
const renderRatio = rounds.map((r) => r.render.rps / r.bare.rps);
const renderP99 = rounds.map((r) => r.render.p99 / Math.max(r.bare.p99, 1));
const sameRatio = rounds.map((r) => r.renderSame.rps / r.sameStack.rps);
const runRatio = rounds.map((r) => r.run.rps / r.direct.rps);
const proxyRunRatio = rounds.map((r) => r.proxy.rps / r.direct.rps);
const runOverProxy = rounds.map((r) => r.runBesideProxy.rps / r.proxy.rps);
const ttfbAdded = rounds.map((r) => r.ttfbService - r.ttfbDirect);
const proxyAdded = rounds.map((r) => r.ttfbProxy - r.ttfbDirect);
const verdict = (met: boolean) => (met ? "met" : "**missed**");
const targets = {
  render: med(renderRatio) >= 0.75,
  renderP99: med(renderP99) <= 1.5,
  run: med(runRatio) >= 0.5,
  ttfb: med(ttfbAdded) <= 1,
};

const table = markdownTable(
  ["measurement", "service", "baseline", "ratio (median of rounds)", "spread over rounds", "target"],
  [
    [
      "a. signed POST /v1/render vs bare Express + express.json(), req/s",
      fmt(med(rounds.map((r) => r.render.rps))),
      fmt(med(rounds.map((r) => r.bare.rps))),
      formatRatio(med(renderRatio)),
      spread(renderRatio),
      `>= 0.75x: ${verdict(targets.render)}`,
    ],
    [
      "a. same, p99 ms",
      fmt(med(rounds.map((r) => r.render.p99))),
      fmt(med(rounds.map((r) => r.bare.p99))),
      formatRatio(med(renderP99)),
      spread(renderP99),
      `<= 1.50x: ${verdict(targets.renderP99)}`,
    ],
    [
      "signed POST /v1/render vs the service's own stack answering precomputed JSON, req/s",
      fmt(med(rounds.map((r) => r.renderSame.rps))),
      fmt(med(rounds.map((r) => r.sameStack.rps))),
      formatRatio(med(sameRatio)),
      spread(sameRatio),
      "(the route's own cost)",
    ],
    [
      "b. POST /v1/run vs the gateway client calling the upstream directly, req/s",
      fmt(med(rounds.map((r) => r.run.rps))),
      fmt(med(rounds.map((r) => r.direct.rps))),
      formatRatio(med(runRatio)),
      spread(runRatio),
      `>= 0.50x: ${verdict(targets.run)}`,
    ],
    [
      "b. same, p99 ms",
      fmt(med(rounds.map((r) => r.run.p99))),
      fmt(med(rounds.map((r) => r.direct.p99)), 1),
      formatRatio(med(rounds.map((r) => r.run.p99 / Math.max(r.direct.p99, 1)))),
      "",
      "",
    ],
    [
      "b. a bare pass-through proxy process (no checks, body piped back) vs the gateway client direct, req/s",
      fmt(med(rounds.map((r) => r.proxy.rps))),
      fmt(med(rounds.map((r) => r.direct.rps))),
      formatRatio(med(proxyRunRatio)),
      spread(proxyRunRatio),
      "(the floor of one process in between)",
    ],
    [
      "b. POST /v1/run vs that bare proxy, req/s",
      fmt(med(rounds.map((r) => r.runBesideProxy.rps))),
      fmt(med(rounds.map((r) => r.proxy.rps))),
      formatRatio(med(runOverProxy)),
      spread(runOverProxy),
      "(the service's own cost over the floor)",
    ],
    [
      "c. streamed time to first byte at concurrency 1, median ms (added ms in the ratio column)",
      fmt(med(rounds.map((r) => r.ttfbService)), 2),
      fmt(med(rounds.map((r) => r.ttfbDirect)), 2),
      `+${fmt(med(ttfbAdded), 2)} ms`,
      `+${spread(ttfbAdded)} ms`,
      `<= 1 ms added: ${verdict(targets.ttfb)}`,
    ],
    [
      "c. same through a bare pass-through proxy process (no checks, body piped back), median ms",
      fmt(med(rounds.map((r) => r.ttfbProxy)), 2),
      fmt(med(rounds.map((r) => r.ttfbDirect)), 2),
      `+${fmt(med(proxyAdded), 2)} ms`,
      `+${spread(proxyAdded)} ms`,
      "(the floor of one process in between)",
    ],
    [
      "c. same, p99 ms",
      fmt(med(rounds.map((r) => r.ttfbServiceP99)), 2),
      fmt(med(rounds.map((r) => r.ttfbDirectP99)), 2),
      "",
      "",
      "",
    ],
  ],
);
const markdown = `Autocannon with ${CONNECTIONS} keep-alive connections on 127.0.0.1; each comparison is measured A, B, B, A in
${DURATION} s slices (so load drift on the shared box hits both sides alike), ${ROUNDS} rounds. The service, the bare Express app and
the mock gateway (the upstream) each run in a child process of their own (NODE_ENV=production, logging silent), so the load
generator shares no event loop with them. Every request of a slice is signed with a fresh nonce *before* the slice starts
(a pool of three times the requests the fastest slice of that side needed), and both sides send those same requests, the bare app
ignoring the signature: the load generator shares the 2 cores with the servers, and signing during the slice charged an HMAC
and a nonce per request to the service's side only (runs before this method signed during the slice; their ratios are
not comparable). The service still verifies every signature and stores every nonce, so its numbers include HMAC verification, the nonce store, rate
limiting, JSON parsing, input validation and rendering. Requests signed during a slice because a pool ran out: ${signedLate}.

- **a. render vs bare Express** (target >= 0.75x throughput, p99 <= 1.5x): a separate process runs \`express()\` with
  \`express.json()\` and one route answering a fixed JSON of the size of the real render answer (${renderAnswer.length} bytes).
- **render vs the service's own stack**: the service answers a signed \`POST /v1/bench-static\` with that precomputed body
  behind every middleware (request id, security headers, signature check, body, nonce, rate limit, JSON parsing): the difference is the
  route's own work (resolving, validating the input, rendering, serialising).
- **b. run vs the gateway client direct** (target >= 0.5x): \`/v1/run\` (signature, render, gateway client, mock, output
  validation) against the same gateway client (same options, the same rendered chat request) calling the mock from
  ${CONNECTIONS} concurrent callers: what putting the service between an app and its upstream costs. The direct caller runs in a
  child process of its own (\`bench/direct-caller.ts\`) like every other side. The ratio's rounds swung 0.20x-0.61x until
  2026-11-28 because the mock slowed as it served calls (each call's fresh Idempotency-Key made it forget its oldest
  tracked key by a scan that grew with every eviction: 80 -> 290 µs of the mock's CPU per call over one run), and the direct
  side, sending three to four times as many calls, met the slow mock first; the mock now forgets in constant time.
  The same bare pass-through proxy as in row c, sending the plain chat request, is measured against the direct caller
  (the floor: what any process in between costs when every process shares the two cores, without a line of the
  service's work) and against \`/v1/run\` (A, B, B, A of its own): the service's own cost over that floor.
- **c. time to first byte** (target <= 1 ms added): sequential streamed requests at concurrency 1 (2 x ${TTFB_SAMPLES} per side per round,
  interleaved direct, service, service, direct), time to the first body byte; "added" is the service's median minus the direct
  median. The service sends its 200 only after the first delta arrives (so errors before the first token are plain JSON errors).
  A bare pass-through proxy in a process of its own (\`bench/bare-proxy.ts\`: node:http, keep-alive connections to the mock, the
  upstream's body piped back, no checks) is measured the same way (direct, service, proxy, proxy, service, direct): what any
  process between client and upstream adds, two more loopback hops and wake-ups, which no service code can remove.

${table}

In-process, the render handler's own work (body schema, resolve, input validation, render, serialise) costs
${fmt(summarize(micro.ours).median, 1)} µs median / ${fmt(summarize(micro.ours).p99, 1)} µs p99 per request, against ${fmt(summarize(micro.floor).median, 1)} µs / ${fmt(summarize(micro.floor).p99, 1)} µs for
parsing and serialising the same bytes. The box is a noisy 2-core machine shared with other jobs (see the load average above):
read the ratios and their spread, not absolute numbers.

Targets: a. throughput ${verdict(targets.render)}, p99 ${verdict(targets.renderP99)}; b. ${verdict(targets.run)}; c. ${verdict(targets.ttfb)}.
Run: \`pnpm bench -- server\` (or \`node --import tsx --expose-gc bench/server.bench.ts\` in apps/server).
`;
// BENCH_DOC_FILE=/tmp/x.md keeps exploratory (noisy) runs out of docs/benchmarks.md and its history.
writeBenchmarkSection({
  id: "server",
  title: "Service: render, run and streaming overhead",
  markdown,
  headlines: [
    {
      metric: "render ÷ bare Express + express.json(), throughput",
      values: renderRatio,
      target: { min: 0.75 },
    },
    { metric: "render ÷ bare Express + express.json(), p99", values: renderP99, target: { max: 1.5 } },
    { metric: "render ÷ same-stack static JSON, throughput", values: sameRatio },
    { metric: "/v1/run ÷ gateway client direct, throughput", values: runRatio, target: { min: 0.5 } },
    { metric: "bare pass-through proxy ÷ gateway client direct, throughput", values: proxyRunRatio },
    { metric: "/v1/run ÷ bare pass-through proxy, throughput", values: runOverProxy },
    { metric: "streamed time to first byte, ms added", values: ttfbAdded, target: { max: 1 } },
    { metric: "streamed time to first byte, ms added by a bare pass-through proxy", values: proxyAdded },
  ],
});
console.log(markdown);
