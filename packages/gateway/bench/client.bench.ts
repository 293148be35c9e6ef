import { fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { formatRatio, markdownTable, summarize, writeBenchmarkSection } from "@promptreg/bench-kit";
import OpenAI from "openai";
import { Pool } from "undici";
import { createGatewayClient } from "../src/index.js";

/**
 * Per-request cost of the gateway client against raw fetch (the floor), raw undici (its transport without the client)
 * and the official openai SDK (v6), all
 * calling the same mock gateway running in a child process. Variants are interleaved in rounds, in a rotating order,
 * so drift on this shared box hits them alike. Three passes give the spread. Besides wall time, each batch records the
 * CPU time of this process per call: the mock runs in its own process, so that is exactly the caller's cost, and it
 * stays comparable while other work shares the cores (wall time then mostly measures the neighbours).
 */
const KEY = "sk-bench-0123456789abcdef";
const PASSES = 3;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const BATCH = { 1: 40, 32: 320 } as const;
const WARMUP = 150;
const BODY = {
  model: "openai/gpt-4o-mini",
  messages: [{ role: "user" as const, content: "say hello to the benchmark" }],
};

type Variant = "fetch" | "undici" | "client" | "openai";
type Mode = "plain" | "stream";
const VARIANTS: Variant[] = ["fetch", "undici", "client", "openai"];

async function startMock(): Promise<{ url: string; stop: () => void }> {
  const child = fork(fileURLToPath(new URL("./mock-process.ts", import.meta.url)), {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, BENCH_KEY: KEY },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("message", (message) => resolve((message as { url: string }).url));
    child.once("exit", (code) => reject(new Error(`mock process exited with ${code}`)));
  });
  return { url, stop: () => child.disconnect() };
}

/** One request of a variant; resolves with [time to first content chunk (streams) or response, total] in ms. */
function makeCallers(url: string) {
  const client = createGatewayClient({ baseUrl: url, apiKey: KEY });
  const sdk = new OpenAI({ baseURL: url, apiKey: KEY, maxRetries: 0 });
  const decoder = new TextDecoder();
  // The client's own transport without the client: one keep-alive Pool, pool.request(), the same body handling.
  const pool = new Pool(new URL(url).origin);
  const path = new URL(`${url}/chat/completions`).pathname;
  const rawHeaders = (accept: string) => ({
    authorization: `Bearer ${KEY}`,
    "content-type": "application/json",
    accept,
    "idempotency-key": randomUUID(),
  });
  const calls: Record<Variant, Record<Mode, () => Promise<[number, number]>>> = {
    // The floor: what any caller must do at least. Same headers as the client (the mock does a little work per
    // Idempotency-Key, which is not client overhead), same body, and for streams a minimal SSE split + JSON.parse.
    fetch: {
      plain: async () => {
        const t0 = performance.now();
        const response = await fetch(`${url}/chat/completions`, {
          method: "POST",
          headers: rawHeaders("application/json"),
          body: JSON.stringify(BODY),
        });
        const json = (await response.json()) as { choices: { message: { content: string } }[] };
        if (!json.choices[0]?.message.content) throw new Error("empty");
        const t = performance.now() - t0;
        return [t, t];
      },
      stream: async () => {
        const t0 = performance.now();
        const response = await fetch(`${url}/chat/completions`, {
          method: "POST",
          headers: rawHeaders("text/event-stream"),
          body: JSON.stringify({ ...BODY, stream: true, stream_options: { include_usage: true } }),
        });
        let first = 0;
        let buffer = "";
        let text = "";
        let sawDone = false;
        for await (const chunk of response.body!) {
          buffer += decoder.decode(chunk, { stream: true });
          for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
            const data = buffer.slice(6, end);
            buffer = buffer.slice(end + 2);
            if (data === "[DONE]") {
              sawDone = true;
              continue;
            }
            const frame = JSON.parse(data) as { choices: { delta?: { content?: string } }[] };
            const content = frame.choices[0]?.delta?.content;
            if (content) {
              if (!first) first = performance.now() - t0;
              text += content;
            }
          }
        }
        if (!sawDone || !text) throw new Error("incomplete stream");
        return [first, performance.now() - t0];
      },
    },
    undici: {
      plain: async () => {
        const t0 = performance.now();
        const response = await pool.request({
          path,
          method: "POST",
          headers: rawHeaders("application/json"),
          body: JSON.stringify(BODY),
        });
        const json = (await response.body.json()) as { choices: { message: { content: string } }[] };
        if (!json.choices[0]?.message.content) throw new Error("empty");
        const t = performance.now() - t0;
        return [t, t];
      },
      stream: async () => {
        const t0 = performance.now();
        const response = await pool.request({
          path,
          method: "POST",
          headers: rawHeaders("text/event-stream"),
          body: JSON.stringify({ ...BODY, stream: true, stream_options: { include_usage: true } }),
        });
        let first = 0;
        let buffer = "";
        let text = "";
        let sawDone = false;
        for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
            const data = buffer.slice(6, end);
            buffer = buffer.slice(end + 2);
            if (data === "[DONE]") {
              sawDone = true;
              continue;
            }
            const frame = JSON.parse(data) as { choices: { delta?: { content?: string } }[] };
            const content = frame.choices[0]?.delta?.content;
            if (content) {
              if (!first) first = performance.now() - t0;
              text += content;
            }
          }
        }
        if (!sawDone || !text) throw new Error("incomplete stream");
        return [first, performance.now() - t0];
      },
    },
    client: {
      plain: async () => {
        const t0 = performance.now();
        const result = await client.chat(BODY);
        if (!result.text) throw new Error("empty");
        const t = performance.now() - t0;
        return [t, t];
      },
      stream: async () => {
        const t0 = performance.now();
        const stream = client.chatStream(BODY);
        let first = 0;
        for await (const _delta of stream) if (!first) first = performance.now() - t0;
        await stream.result;
        return [first, performance.now() - t0];
      },
    },
    openai: {
      plain: async () => {
        const t0 = performance.now();
        const completion = await sdk.chat.completions.create(BODY);
        if (!completion.choices[0]?.message.content) throw new Error("empty");
        const t = performance.now() - t0;
        return [t, t];
      },
      stream: async () => {
        const t0 = performance.now();
        const stream = await sdk.chat.completions.create({
          ...BODY,
          stream: true,
          stream_options: { include_usage: true },
        });
        let first = 0;
        for await (const chunk of stream)
          if (!first && chunk.choices[0]?.delta.content) first = performance.now() - t0;
        return [first, performance.now() - t0];
      },
    },
  };
  return calls;
}

/**
 * Runs `count` calls with `concurrency` workers; returns per-call first/total samples, ms of wall time per call and
 * µs of this process's CPU time (user + system) per call.
 */
async function batch(call: () => Promise<[number, number]>, count: number, concurrency: number) {
  const firsts: number[] = [];
  const totals: number[] = [];
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        const [first, total] = await call();
        firsts.push(first);
        totals.push(total);
      }
    }),
  );
  const perCall = (performance.now() - t0) / count;
  const cpu = process.cpuUsage(cpu0);
  return { firsts, totals, perCall, cpuPerCall: (cpu.user + cpu.system) / count };
}

interface Cell {
  /** Median over rounds of the wall time per call (throughput view). */
  perCall: number;
  /** Median over rounds of this process's CPU µs per call (the caller's cost, whatever else runs on the box). */
  cpuPerCall: number;
  /** Per-request latency samples (ms) and time to first chunk samples. */
  totals: number[];
  firsts: number[];
}

async function pass(calls: ReturnType<typeof makeCallers>) {
  const cells = new Map<
    string,
    { perCall: number[]; cpuPerCall: number[]; totals: number[]; firsts: number[] }
  >();
  const key = (v: Variant, m: Mode, c: number) => `${v}/${m}/${c}`;
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of ["plain", "stream"] as const) {
      for (const concurrency of [1, 32] as const) {
        // Rotate the order each round so no variant always runs first (or right after GC).
        const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!);
        for (const variant of order) {
          globalThis.gc?.();
          const r = await batch(calls[variant][mode], BATCH[concurrency], concurrency);
          const cell = cells.get(key(variant, mode, concurrency)) ?? {
            perCall: [],
            cpuPerCall: [],
            totals: [],
            firsts: [],
          };
          cell.perCall.push(r.perCall);
          cell.cpuPerCall.push(r.cpuPerCall);
          cell.totals.push(...r.totals);
          cell.firsts.push(...r.firsts);
          cells.set(key(variant, mode, concurrency), cell);
        }
      }
    }
  }
  const out = new Map<string, Cell>();
  for (const [k, c] of cells)
    out.set(k, {
      perCall: summarize(c.perCall).median,
      cpuPerCall: summarize(c.cpuPerCall).median,
      totals: c.totals,
      firsts: c.firsts,
    });
  return { get: (v: Variant, m: Mode, c: number) => out.get(key(v, m, c))! };
}

const mock = await startMock();
try {
  const calls = makeCallers(mock.url);
  for (const variant of VARIANTS) {
    for (const mode of ["plain", "stream"] as const) await batch(calls[variant][mode], WARMUP, 8);
  }
  const passes: Awaited<ReturnType<typeof pass>>[] = [];
  for (let p = 0; p < PASSES; p++) {
    passes.push(await pass(calls));
    console.log(`pass ${p + 1}/${PASSES} done`);
  }

  // metric(pass, variant) for each row; the table shows pass-1..3 spread of the client/fetch and openai/fetch ratios.
  const rows: (string | number)[][] = [];
  const verdicts: string[] = [];
  const ownOverhead: { label: string; values: number[] }[] = [];
  const fmt = (ms: number) => ms.toFixed(3);
  const spread = (values: number[]) => {
    const s = [...values].sort((a, b) => a - b);
    return `${formatRatio(s[1]!)} (${formatRatio(s[0]!)}–${formatRatio(s[2]!)})`;
  };
  const latency = (cell: Cell) => summarize(cell.totals);
  const firstChunk = (cell: Cell) => summarize(cell.firsts);
  const wallPerCall = (cell: Cell) => ({ median: cell.perCall, p99: summarize(cell.totals).p99 });
  const measures: {
    label: string;
    mode: Mode;
    c: 1 | 32;
    pick: (cell: Cell) => { median: number; p99: number };
  }[] = [
    { label: "plain, c=1, latency", mode: "plain", c: 1, pick: latency },
    { label: "plain, c=32, wall ms per call", mode: "plain", c: 32, pick: wallPerCall },
    { label: "stream, c=1, time to first chunk", mode: "stream", c: 1, pick: firstChunk },
    { label: "stream, c=1, full stream", mode: "stream", c: 1, pick: latency },
    { label: "stream, c=32, wall ms per call", mode: "stream", c: 32, pick: wallPerCall },
    { label: "stream, c=32, time to first chunk", mode: "stream", c: 32, pick: firstChunk },
  ];
  for (const m of measures) {
    const per = (v: Variant) => passes.map((p) => m.pick(p.get(v, m.mode, m.c)));
    const fetchStats = per("fetch");
    const clientStats = per("client");
    const sdkStats = per("openai");
    const undiciStats = per("undici");
    const ownRatios = clientStats.map((s, i) => s.median / undiciStats[i]!.median);
    const clientRatios = clientStats.map((s, i) => s.median / fetchStats[i]!.median);
    const sdkRatios = sdkStats.map((s, i) => s.median / fetchStats[i]!.median);
    const mid = (xs: { median: number; p99: number }[], k: "median" | "p99") =>
      summarize(xs.map((x) => x[k])).median;
    rows.push([
      m.label,
      `${fmt(mid(fetchStats, "median"))} / ${fmt(mid(fetchStats, "p99"))}`,
      `${fmt(mid(undiciStats, "median"))} / ${fmt(mid(undiciStats, "p99"))}`,
      `${fmt(mid(clientStats, "median"))} / ${fmt(mid(clientStats, "p99"))}`,
      `${fmt(mid(sdkStats, "median"))} / ${fmt(mid(sdkStats, "p99"))}`,
      spread(clientRatios),
      spread(ownRatios),
      spread(sdkRatios),
    ]);
    const clientMid = summarize(clientRatios).median;
    const sdkMid = summarize(sdkRatios).median;
    const ownMid = summarize(ownRatios).median;
    ownOverhead.push({ label: m.label, values: ownRatios });
    verdicts.push(
      `- ${m.label}: ${formatRatio(ownMid)} of raw undici, its own transport without the client (target ≤ 1.20x: ${Number(ownMid.toFixed(2)) <= 1.2 ? "met" : "**missed**"}); ` +
        `${formatRatio(clientMid)} of raw fetch (target ≤ 1.10x: ${Number(clientMid.toFixed(2)) <= 1.1 ? "met" : "**missed**"}), ` +
        `${clientMid < sdkMid ? "faster" : "not faster"} than the openai SDK (${formatRatio(sdkMid)}).`,
    );
  }
  // CPU view: µs of this process per call, per (mode, concurrency) cell; the mock's CPU is in its own process.
  const cpuRows: (string | number)[][] = [];
  const cpuOverhead: { label: string; values: number[] }[] = [];
  for (const [mode, c] of [
    ["plain", 1],
    ["plain", 32],
    ["stream", 1],
    ["stream", 32],
  ] as const) {
    const cpu = (v: Variant) => passes.map((p) => p.get(v, mode, c).cpuPerCall);
    const ratios = (v: Variant, base: Variant) => cpu(v).map((value, i) => value / cpu(base)[i]!);
    const mid = (v: Variant) => summarize(cpu(v)).median.toFixed(1);
    const label = `${mode}, c=${c}, CPU µs per call`;
    cpuRows.push([
      label,
      mid("fetch"),
      mid("undici"),
      mid("client"),
      mid("openai"),
      spread(ratios("client", "undici")),
      spread(ratios("openai", "undici")),
    ]);
    cpuOverhead.push({ label, values: ratios("client", "undici") });
  }
  const cpuTable = markdownTable(
    [
      "measure",
      "raw fetch",
      "raw undici",
      "gateway client",
      "openai SDK v6",
      "client ÷ undici (min–max of 3)",
      "SDK ÷ undici",
    ],
    cpuRows,
  );
  const table = markdownTable(
    [
      "measure",
      "raw fetch median / p99 (ms)",
      "raw undici",
      "gateway client",
      "openai SDK v6",
      "client ÷ fetch (min–max of 3)",
      "client ÷ undici",
      "SDK ÷ fetch",
    ],
    rows,
  );
  const markdown = `Per-request cost of \`@promptreg/gateway\` (default policies: retries, budget, breaker, bulkhead, deadlines
armed; no event sinks) against raw \`fetch\` (the floor: the same headers including \`Idempotency-Key\`, \`JSON.stringify\` /
\`response.json()\`, for streams a minimal SSE split and \`JSON.parse\` per frame), raw undici (the same requests through one keep-alive
\`Pool\` and \`pool.request()\`, which is the client's default transport: "client ÷ undici" is the client's own overhead) and the official
\`openai\` SDK v6 (\`maxRetries: 0\`), all against the same mock gateway in a child process. Each pass runs ${ROUNDS} rounds;
a round runs every variant once per cell (${BATCH[1]} calls at concurrency 1, ${BATCH[32]} at concurrency 32) in a rotating
order. Latency cells show the median / p99 of all calls (median over the ${PASSES} passes); "wall ms per call" is the batch
wall time divided by its calls (throughput view). Ratios are medians with the min–max over the ${PASSES} passes.

${table}

${verdicts.join("\n")}

CPU time of the bench process per call (user + system, median over the ${ROUNDS} rounds of a pass, then over the ${PASSES}
passes). The mock gateway runs in its own process, so this is the caller's own cost; unlike wall time it holds while
other work shares the cores, so it is the figure to compare variants by on a busy machine.

${cpuTable}

Run: \`pnpm bench -- gateway\` (or \`node --import tsx --expose-gc bench/client.bench.ts\` in packages/gateway).`;
  console.log(markdown);
  // BENCH_NO_WRITE=1 prints the section without touching docs/benchmarks.md (exploratory runs on a noisy box).
  if (process.env.BENCH_NO_WRITE !== "1")
    writeBenchmarkSection({
      id: "gateway-client",
      title: "Gateway client overhead (vs raw fetch and the openai SDK)",
      markdown,
      headlines: [...ownOverhead, ...cpuOverhead].map(({ label, values }) => ({
        metric: `client ÷ raw undici, ${label}`,
        values,
        target: { max: 1.2 },
      })),
    });
} finally {
  mock.stop();
}
