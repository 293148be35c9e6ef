// CPU cost of one request through the service's stack, in process, without sockets:
// `node --import tsx bench/stack-micro.ts` (in apps/server). Each request is a real IncomingMessage and
// ServerResponse of node:http over an in-memory socket that discards what is written, handed to the Express app
// the way node:http's server does, one request at a time; the CPU µs per request are the app's own work (Express,
// middleware, signature check, nonce store, rate limit, body read, render, metrics, stats) without the kernel's
// socket reads and writes, which cost the service and the bare baseline alike. On a loaded shared box this is far
// steadier than throughput: ROUNDS rounds of BATCH requests per side, sides interleaved, and the median of each
// round's ratio to the bare batch beside it.
import { signRequest } from "@promptreg/signing";
import type { Express } from "express";
import { createBareApp } from "./bare-app.js";
import { inject } from "./inject.js";
import { RENDER_BODY as BODY } from "./request-bodies.js";
import { createServiceApp } from "./service-app.js";

const SECRET = "bench-secret-0123456789abcdefghij";
const ROUNDS = Number(process.env.ROUNDS ?? 15);
const BATCH = Number(process.env.BATCH ?? 2_000);
const BODY_AFTER = process.env.BODY_AFTER !== "0";

/** One request through `app` as node:http would hand it over (inject.ts), BODY_AFTER=0 pushing the body first. */
const injectBody = (app: Express, path: string, headers: Record<string, string>) =>
  inject(app, { path, headers, body: BODY, bodyAfter: BODY_AFTER });

const service = await createServiceApp({
  mockUrl: "http://127.0.0.1:9/v1",
  secret: SECRET,
  baselineBody: "{}",
});
const signed = () => ({
  "content-type": "application/json",
  ...signRequest({ keyId: "bench", secret: SECRET, method: "POST", pathAndQuery: "/v1/render", body: BODY }),
});
const probe = await injectBody(service, "/v1/render", signed());
if (probe.status !== 200) throw new Error(`render answered ${probe.status}: ${probe.body}`);
const bareApp = createBareApp(probe.body);
const staticService = await createServiceApp({
  mockUrl: "http://127.0.0.1:9/v1",
  secret: SECRET,
  baselineBody: probe.body,
});
const signedStatic = () => ({
  "content-type": "application/json",
  ...signRequest({
    keyId: "bench",
    secret: SECRET,
    method: "POST",
    pathAndQuery: "/v1/bench-static",
    body: BODY,
  }),
});

const sides: { name: string; app: Express; path: string; headers: () => Record<string, string> }[] = [
  { name: "bare Express + express.json()", app: bareApp, path: "/v1/render", headers: signed },
  { name: "service POST /v1/render", app: service, path: "/v1/render", headers: signed },
  {
    name: "service stack, precomputed JSON",
    app: staticService,
    path: "/v1/bench-static",
    headers: signedStatic,
  },
];

/**
 * CPU µs per request over one batch (this process's user + system time: on a shared box the wall clock mostly
 * measures the other jobs); the headers (fresh nonces) are signed before the batch.
 */
async function batch(side: (typeof sides)[number]): Promise<number> {
  const headers = Array.from({ length: BATCH }, side.headers);
  const started = process.cpuUsage();
  for (const h of headers) {
    const answer = await injectBody(side.app, side.path, h);
    if (answer.status !== 200) throw new Error(`${side.name}: ${answer.status} ${answer.body}`);
  }
  const used = process.cpuUsage(started);
  return (used.user + used.system) / BATCH;
}

for (const side of sides) for (let i = 0; i < 3; i++) await batch(side);
const results = new Map<string, number[]>(sides.map((side) => [side.name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const side of round % 2 === 0 ? sides : [...sides].reverse())
    results.get(side.name)?.push(await batch(side));
}
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const bare = results.get(sides[0]!.name) ?? [];
for (const side of sides) {
  const values = results.get(side.name) ?? [];
  // Each round's ratio against the bare batch run next to it, so load drift between rounds cancels out.
  const ratios = values.map((value, round) => value / (bare[round] ?? Number.NaN));
  console.log(
    `${side.name.padEnd(34)} ${median(values).toFixed(1).padStart(6)} µs/request (min ${Math.min(...values).toFixed(1)})  ${median(ratios).toFixed(2)}x bare (rounds ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`,
  );
}
