import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  capturedLogLines,
  fixtureRegistry,
  startTestServer,
  type TestServer,
  testGateway,
} from "./harness.js";

// A real upstream whose error texts carry a marker (standing in for internal hosts, stack traces, provider
// account names), reached through a base URL with a password in it. Neither may reach a client; the log keeps
// the upstream's text, with the password redacted.
const MARKER = "UPSTREAM-INTERNAL-db7.corp:5432-MARKER";
const PASSWORD = "gw-basic-auth-p4ssw0rd";

let upstream: Server;
let upstreamPort = 0;
let service: TestServer;

function answer(req: IncomingMessage, res: ServerResponse, body: string) {
  const mode = req.url?.split("/")[1];
  const stream = (JSON.parse(body) as { stream?: boolean }).stream === true;
  if (mode === "rejects") {
    res.writeHead(400, { "content-type": "application/json" });
    res.end(
      JSON.stringify({ error: { message: `bad request at ${MARKER}`, type: "invalid_request_error" } }),
    );
    return;
  }
  if (mode === "fails" || !stream) {
    res.writeHead(500, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: `provider exploded at ${MARKER}`, type: "server_error" } }));
    return;
  }
  // mode "breaks", streamed: one token, then an in-band error frame with the marker.
  res.writeHead(200, { "content-type": "text/event-stream" });
  const chunk = { id: "c1", model: "openai/gpt-4o-mini", choices: [{ index: 0, delta: { content: "Hel" } }] };
  res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  res.end(`data: ${JSON.stringify({ error: { message: `stream died at ${MARKER}` } })}\n\n`);
}

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = "";
    req.on("data", (part) => {
      body += String(part);
    });
    req.on("end", () => answer(req, res, body));
  });
  upstream.listen(0, "127.0.0.1");
  await once(upstream, "listening");
  upstreamPort = (upstream.address() as AddressInfo).port;
});

afterAll(async () => {
  await service?.close();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

async function serviceFor(mode: string): Promise<TestServer> {
  await service?.close();
  service = await startTestServer({
    registry: await fixtureRegistry(),
    gateway: testGateway({
      baseUrl: `http://promptreg:${PASSWORD}@127.0.0.1:${upstreamPort}/${mode}/v1`,
      maxAttempts: 1,
    }),
  });
  return service;
}

const RUN = { ref: "support/greet", input: { name: "Ada" } };
const FACADE = { model: "template:support/greet", input: { name: "Ada" } };

/** Every way a client can see this failure: plain and streamed, on /v1/run and the OpenAI facade. */
const CALLS = [
  { name: "/v1/run", path: "/v1/run", body: RUN },
  { name: "/v1/run streamed", path: "/v1/run", body: { ...RUN, stream: true } },
  { name: "facade", path: "/v1/chat/completions", body: FACADE },
  { name: "facade streamed", path: "/v1/chat/completions", body: { ...FACADE, stream: true } },
];

function expectNothingInternal(text: string) {
  expect(text).not.toContain(MARKER);
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(`127.0.0.1:${upstreamPort}`);
  expect(text).not.toContain(`:${upstreamPort}`);
}

async function logLineOf(requestId: string) {
  let line: Record<string, unknown> | undefined;
  await vi.waitFor(
    () => {
      line = capturedLogLines
        .map((text) => JSON.parse(text) as Record<string, unknown>)
        .find((entry) => entry.requestId === requestId && entry.msg === "request");
      expect(line).toBeDefined();
    },
    { timeout: 30_000 },
  );
  return line as Record<string, unknown>;
}

describe("client-facing errors never carry the gateway URL, credentials or the upstream's text", () => {
  for (const mode of ["fails", "rejects", "breaks"]) {
    for (const call of CALLS) {
      it(`${call.name}, upstream ${mode}`, { timeout: 60_000 }, async () => {
        const server = await serviceFor(mode);
        const response = await server.signed(call.path, { body: call.body });
        const text = await response.text();
        const headers = JSON.stringify([...response.headers.entries()]);
        expect(text).toMatch(/upstream_/);
        expectNothingInternal(text);
        expectNothingInternal(headers);

        const line = await logLineOf(response.headers.get("x-request-id") as string);
        const logged = JSON.stringify(line);
        expect(logged).toContain(MARKER);
        expect(logged).not.toContain(PASSWORD);
      });
    }
  }
});
