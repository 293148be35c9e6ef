// CPU cost of one request through the service's stack, in process, without sockets:
// `node --import tsx bench/stack-micro.ts` (in apps/server). Each request is a real IncomingMessage and
// ServerResponse of node:http over an in-memory socket that discards what is written, handed to the Express app
// the way node:http's server does, one request at a time; the CPU µs per request are the app's own work (Express,
// middleware, signature check, nonce store, rate limit, body read, render, metrics, stats) without the kernel's
// socket reads and writes, which cost the service and the bare baseline alike. On a loaded shared box this is far
// steadier than throughput: ROUNDS rounds of BATCH requests per side, sides interleaved, and the median of each
// round's ratio to the bare batch beside it.
import { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { Duplex } from "node:stream";
import { signRequest } from "@promptreg/signing";
import type { Express } from "express";
import { createBareApp } from "./bare-app.js";
import { RENDER_BODY as BODY } from "./request-bodies.js";
import { createServiceApp } from "./service-app.js";

const SECRET = "bench-secret-0123456789abcdefghij";
const ROUNDS = Number(process.env.ROUNDS ?? 15);
const BATCH = Number(process.env.BATCH ?? 2_000);
const BODY_AFTER = process.env.BODY_AFTER !== "0";

interface Answer {
  status: number;
  body: string;
}

/** The body pushed as node:http's parser does: the bytes, the end, and `complete` set with the last byte. */
function pushBody(req: IncomingMessage): void {
  req.push(BODY);
  req.push(null);
  // Without it the request counts as aborted once read.
  req.complete = true;
}

/** One request through `app` as node:http would hand it over. */
function inject(app: Express, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve) => {
    const written: Buffer[] = [];
    const socket = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        written.push(chunk);
        callback();
      },
    }) as unknown as Socket;
    const req = new IncomingMessage(socket);
    req.method = "POST";
    req.url = path;
    req.httpVersion = "1.1";
    req.httpVersionMajor = 1;
    req.httpVersionMinor = 1;
    req.headers = { host: "127.0.0.1", "content-length": String(Buffer.byteLength(BODY)), ...headers };
    const res = new ServerResponse(req);
    res.assignSocket(socket);
    if (!BODY_AFTER) pushBody(req);
    res.on("finish", () => {
      res.detachSocket(socket);
      // node:http's server emits 'close' after 'finish'; the service's metrics, stats and log line hang off it.
      res.emit("close");
      const text = Buffer.concat(written).toString("utf8");
      resolve({ status: res.statusCode, body: text.slice(text.indexOf("\r\n\r\n") + 4) });
    });
    app(req, res);
    // node:http's order: the app gets the request when its headers are parsed, and the body bytes that came in the
    // same socket read are pushed right after the app's synchronous part returns, before any microtask runs.
    if (BODY_AFTER) pushBody(req);
  });
}

const service = await createServiceApp({
  mockUrl: "http://127.0.0.1:9/v1",
  secret: SECRET,
  baselineBody: "{}",
});
const signed = () => ({
  "content-type": "application/json",
  ...signRequest({ keyId: "bench", secret: SECRET, method: "POST", pathAndQuery: "/v1/render", body: BODY }),
});
const probe = await inject(service, "/v1/render", signed());
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
    const answer = await inject(side.app, side.path, h);
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
