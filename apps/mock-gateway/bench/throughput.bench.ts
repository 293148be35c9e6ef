import { Agent, createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { formatRatio, markdownTable, summarize, writeBenchmarkSection } from "@promptreg/bench-kit";
import { createMockGateway } from "../src/index.js";

// What the mock adds on top of a bare node:http server, so benchmarks that compare gateway clients against
// the mock know how much of their numbers is the mock itself. The client is node:http with a keep-alive
// agent (cheaper than fetch) so the server side dominates.

const CONCURRENCY = 8;
const WARMUP = 400;
const MEASURED = 3000;
const ROUNDS = 3;

const body = JSON.stringify({
  model: "openai/gpt-4o-mini",
  messages: [
    { role: "system", content: "You are a concise assistant." },
    { role: "user", content: "Summarise the ticket: the export button does nothing on Safari 17." },
  ],
});
const streamBody = JSON.stringify({ ...JSON.parse(body), stream: true });

/** A bare server that reads the body and answers a fixed completion of the same size as the mock's. */
async function startBaseline(): Promise<{ port: number; server: Server }> {
  const reply = JSON.stringify({
    id: "gen_00000000000000000000000000000000",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "openai/gpt-4o-mini",
    provider: "openai",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: "Echo: Summarise the ticket" },
        finish_reason: "stop",
      },
    ],
    usage: { prompt_tokens: 25, completion_tokens: 20, total_tokens: 45 },
  });
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(reply) });
      res.end(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

interface Target {
  name: string;
  port: number;
  payload: string;
  headers?: (i: number) => Record<string, string>;
}

function once(agent: Agent, target: Target, i: number): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: "127.0.0.1",
        port: target.port,
        method: "POST",
        path: "/v1/chat/completions",
        headers: { "content-type": "application/json", ...target.headers?.(i) },
      },
      (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode !== 200) reject(new Error(`${target.name}: status ${res.statusCode}`));
          else resolve(Number(process.hrtime.bigint() - started) / 1000);
        });
      },
    );
    req.on("error", reject);
    req.end(target.payload);
  });
}

async function run(target: Target, count: number): Promise<{ latencies: number[]; perSecond: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        latencies.push(await once(agent, target, i));
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return { latencies, perSecond: count / seconds };
}

const baseline = await startBaseline();
const mock = await createMockGateway();
const targets: Target[] = [
  { name: "bare node:http (baseline)", port: baseline.port, payload: body },
  { name: "mock, plain", port: mock.port, payload: body },
  { name: "mock, stream (SSE, ~6 frames)", port: mock.port, payload: streamBody },
  {
    name: "mock, plain + fresh Idempotency-Key",
    port: mock.port,
    payload: body,
    headers: (i) => ({ "idempotency-key": `bench-${i}-${Math.random()}` }),
  },
  {
    name: "mock, plain + x-mock-faults script",
    port: mock.port,
    payload: body,
    headers: (i) => ({ "x-mock-faults": "ok,ok", "x-mock-key": `k${i % 64}` }),
  },
];

const results = new Map<string, { medians: number[]; p99s: number[]; rates: number[] }>();
for (let round = 0; round < ROUNDS; round++) {
  // Interleave targets within a round so machine noise hits all of them alike.
  for (const target of targets) {
    await run(target, WARMUP);
    globalThis.gc?.();
    const { latencies, perSecond } = await run(target, MEASURED);
    const stats = summarize(latencies);
    const entry = results.get(target.name) ?? { medians: [], p99s: [], rates: [] };
    entry.medians.push(stats.median);
    entry.p99s.push(stats.p99);
    entry.rates.push(perSecond);
    results.set(target.name, entry);
  }
  mock.reset();
}
await mock.close();
await new Promise((resolve) => baseline.server.close(resolve));

const mid = (values: number[]) => summarize(values).median;
const spread = (values: number[]) => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;
const base = results.get(targets[0]!.name)!;
const rows = targets.map(({ name }) => {
  const entry = results.get(name)!;
  return [
    name,
    mid(entry.medians).toFixed(0),
    mid(entry.p99s).toFixed(0),
    mid(entry.rates).toFixed(0),
    spread(entry.rates),
    formatRatio(mid(base.rates) / mid(entry.rates)),
  ];
});
const table = markdownTable(
  ["server", "median µs", "p99 µs", "req/s (median of 3)", "req/s spread", "time vs baseline"],
  rows,
);
console.log(table);
await writeBenchmarkSection({
  id: "mock-gateway-throughput",
  title: "Mock gateway: overhead over a bare node:http server",
  markdown: [
    `${CONCURRENCY} concurrent keep-alive node:http clients, ${MEASURED} requests per run after ${WARMUP} warm-up, ` +
      `${ROUNDS} rounds with the targets interleaved; latency columns are the median over rounds, "req/s spread" ` +
      'is min–max over rounds, "time vs baseline" is baseline req/s / target req/s (1.00x = no overhead). The ' +
      "baseline reads the body and answers a fixed completion of the same size. Client and servers share the box, " +
      "so absolute numbers include the client.",
    "",
    table,
    "",
    "Run: `pnpm bench -- mock-gateway` (or `node --import tsx --expose-gc bench/throughput.bench.ts` in apps/mock-gateway).",
  ].join("\n"),
});
