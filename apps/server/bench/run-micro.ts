// Where the service's CPU per POST /v1/run goes, in process, without the incoming socket:
// `node --import tsx bench/run-micro.ts` (in apps/server). The mock gateway runs in a child process (its CPU is not
// counted); this process drives the real service app with injected requests (inject.ts, as stack-micro.ts does) from
// CONCURRENCY callers and counts its own CPU per request. Side by side, in the same process and rounds:
//  - run: the service calling the mock through its gateway client (the service's work plus the upstream call);
//  - run, gateway answering at once: the same app over a gateway that resolves with a recorded result at once, so
//    run - this is what the upstream call costs inside the service;
//  - run, gateway answering after a timer (HELD_MS): no upstream either, but each request is held across event-loop
//    turns as a real call holds it (in-flight requests' objects live through young-generation collections);
//  - gateway client direct: the same client calling the mock with the same request, nothing else (row b's direct side);
//  - service stack, precomputed JSON: the front every route pays (signature, nonce, rate limit, body, headers, log);
//  - at once, then the direct call: each caller runs the at-once request and then a direct call, one after the other,
//    so the process mixes both workloads without any coupling between them; against the sum of the two alone it
//    shows what mixing them in one process costs (the run side mixes them too).
// On a loaded shared box this is far steadier than run-cost.ts's figures: ROUNDS rounds of BATCH requests per side,
// sides interleaved (reversed every other round), medians and per-round differences.
import { fileURLToPath } from "node:url";
import { type ChatResult, createGatewayClient } from "@promptreg/gateway";
import { loadRegistryFromDir } from "@promptreg/registry";
import { createRenderer } from "@promptreg/renderer";
import { buildChatRequest, type GatewayPort } from "@promptreg/runtime";
import { signRequest } from "@promptreg/signing";
import type { Express } from "express";
import { startBenchChild } from "./bench-child.js";
import { benchGatewayOptions } from "./gateway-options.js";
import { inject } from "./inject.js";
import { RUN_BODY } from "./request-bodies.js";
import { createServiceApp } from "./service-app.js";

const SECRET = "bench-secret-0123456789abcdefghij";
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const BATCH = Number(process.env.BATCH ?? 3_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const HELD_MS = Number(process.env.HELD_MS ?? 3);

const mock = startBenchChild("./mock.ts");
const mockUrl = await mock.url;
const registry = await loadRegistryFromDir(
  fileURLToPath(new URL("../test/__fixtures__/templates/", import.meta.url)),
);
const greetRequest = buildChatRequest(createRenderer({ registry }).render("support/greet", { name: "Ada" }));
const client = createGatewayClient(benchGatewayOptions(mockUrl));
/** A real answer of the mock, replayed by the upstream-free gateways (a fresh idempotency key each, as a call has). */
const recorded = await client.chat(greetRequest);
const replay = (): ChatResult => ({
  ...recorded,
  metadata: { ...recorded.metadata, idempotencyKey: crypto.randomUUID() },
});
const upstreamFree = (answer: () => Promise<ChatResult>): GatewayPort => ({
  chat: answer,
  chatStream: () => {
    throw new Error("run-micro sends no streamed runs");
  },
});
const service = (gateway?: GatewayPort) =>
  createServiceApp({ mockUrl, secret: SECRET, baselineBody: "{}", gateway });
const real = await service();
const atOnce = await service(upstreamFree(async () => replay()));
const afterTimer = await service(
  upstreamFree(() => new Promise((resolve) => setTimeout(() => resolve(replay()), HELD_MS))),
);

const signed = (path: string) => () => ({
  "content-type": "application/json",
  ...signRequest({ keyId: "bench", secret: SECRET, method: "POST", pathAndQuery: path, body: RUN_BODY }),
});
const post = (app: Express, path: string) => async (headers: Record<string, string>) => {
  const answer = await inject(app, { path, headers, body: RUN_BODY });
  if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}: ${answer.body}`);
};

interface Side {
  name: string;
  headers: () => Record<string, string>;
  one: (headers: Record<string, string>) => Promise<unknown>;
}
const sides: Side[] = [
  { name: "run", headers: signed("/v1/run"), one: post(real, "/v1/run") },
  { name: "run, gateway answering at once", headers: signed("/v1/run"), one: post(atOnce, "/v1/run") },
  {
    name: `run, gateway answering after ${HELD_MS} ms`,
    headers: signed("/v1/run"),
    one: post(afterTimer, "/v1/run"),
  },
  {
    name: "gateway client direct",
    headers: () => ({}),
    one: async () => {
      if (!(await client.chat(greetRequest)).text) throw new Error("empty upstream answer");
    },
  },
  {
    name: "service stack, precomputed JSON",
    headers: signed("/v1/bench-static"),
    one: post(real, "/v1/bench-static"),
  },
  {
    name: "at once, then the direct call",
    headers: signed("/v1/run"),
    one: async (headers) => {
      await post(atOnce, "/v1/run")(headers);
      if (!(await client.chat(greetRequest)).text) throw new Error("empty upstream answer");
    },
  },
];

/** CPU µs per request over one batch from CONCURRENCY callers; the headers (fresh nonces) are signed before it. */
async function batch(side: Side): Promise<number> {
  const headers = Array.from({ length: BATCH }, side.headers);
  let next = 0;
  const started = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < BATCH) await side.one(headers[next++]!);
    }),
  );
  const used = process.cpuUsage(started);
  return (used.user + used.system) / BATCH;
}

for (const side of sides) for (let i = 0; i < 2; i++) await batch(side);
const results = sides.map(() => [] as number[]);
for (let round = 0; round < ROUNDS; round++) {
  const order = sides.map((_, index) => index);
  for (const index of round % 2 === 0 ? order : order.reverse())
    results[index]!.push(await batch(sides[index]!));
}
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
sides.forEach((side, index) => {
  const values = results[index]!;
  console.log(
    `${side.name.padEnd(36)} ${median(values).toFixed(1).padStart(6)} µs/request (rounds ${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)})`,
  );
});
const [run, atOnceRun, heldRun, direct, stack, mixed] = results as [
  number[],
  number[],
  number[],
  number[],
  number[],
  number[],
];
const difference = (label: string, a: number[], b: number[]) => {
  const each = a.map((value, round) => value - b[round]!);
  console.log(
    `${label.padEnd(60)} ${median(each).toFixed(1).padStart(6)} µs/request (rounds ${Math.min(...each).toFixed(0)}-${Math.max(...each).toFixed(0)})`,
  );
};
difference("the run route's own work (at once - static)", atOnceRun, stack);
difference("holding the request across the wait (after a timer - at once)", heldRun, atOnceRun);
difference("the upstream call inside the service (run - after a timer)", run, heldRun);
console.log(`the same call made directly: ${median(direct).toFixed(1)} µs/request`);
difference(
  "mixing both in one process (at once, then direct - each alone)",
  mixed,
  atOnceRun.map((value, round) => value + direct[round]!),
);
await client.close();
mock.child.disconnect();
