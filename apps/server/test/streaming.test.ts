import diagnostics from "node:diagnostics_channel";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createMockGateway, type MockGateway } from "@promptreg/mock-gateway";
import type { GatewayPort } from "@promptreg/runtime";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLifecycle, type Lifecycle } from "../src/routes/operations.js";
import { fixtureRegistry, startTestServer, type TestServer, testGateway } from "./harness.js";
import { parseSse, readUntil } from "./sse.js";

let mock: MockGateway;
const servers: TestServer[] = [];
async function serverWith(
  headers: Record<string, string> = {},
  fetchImpl?: typeof fetch,
  lifecycle?: Lifecycle,
) {
  const registry = await fixtureRegistry();
  const server = await startTestServer({
    registry,
    ...(lifecycle ? { lifecycle } : {}),
    gateway: testGateway({ baseUrl: mock.url, headers, fetch: fetchImpl, maxAttempts: fetchImpl ? 1 : 2 }),
  });
  servers.push(server);
  return server;
}

beforeAll(async () => {
  mock = await createMockGateway({});
});
afterAll(async () => {
  for (const server of servers) await server.close();
  await mock.close();
});

describe("POST /v1/run with stream: true", () => {
  it("streams deltas, then a final event with usage, metadata and the validated output", async () => {
    const server = await serverWith();
    const response = await server.signed("/v1/run", {
      body: { ref: "support/summarize@production", input: { ticket: "Refund please" }, stream: true },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const frames = parseSse(await response.text());
    const deltas = frames.filter((frame) => frame.event === "delta");
    expect(deltas.length).toBeGreaterThan(1);
    const final = frames.at(-1) as { event: string; data: Record<string, unknown> & { text: string } };
    expect(final.event).toBe("final");
    expect(deltas.map((frame) => (frame.data as { text: string }).text).join("")).toBe(final.data.text);
    expect(final.data).toMatchObject({
      ref: { id: "support/summarize", version: "1.0.0" },
      output: { sentiment: "positive" },
      usage: { totalTokens: expect.any(Number) },
      metadata: { provider: "openai" },
    });
  });

  it("hands the first frame to the socket before the run reads the next event of an upstream burst", async () => {
    // The mock writes a whole streamed answer at once, so every delta reaches the service in one read and the run
    // has the next event at hand as soon as it asks. Node batches the writes of one tick until the tick ends: left to
    // that, the first frame would wait until the whole burst (every delta and the final event) is processed.
    // The service's response (the mock gateway serves from this process too).
    let serviceResponse: ServerResponse | undefined;
    const onRequest = (message: unknown) => {
      const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
      if (request.url === "/v1/run") serviceResponse = response;
    };
    const unsent: { corked: number; bytes: number }[] = [];
    const real = testGateway({ baseUrl: mock.url });
    // The real gateway client, told when the run asks for each event after the first.
    const gateway: GatewayPort = {
      chat: (request, options) => real.chat(request, options),
      chatStream(request, options) {
        const stream = real.chatStream(request, options);
        return {
          result: stream.result,
          abort: () => stream.abort(),
          async *[Symbol.asyncIterator]() {
            let pulled = 0;
            for await (const delta of stream) {
              const socket = serviceResponse?.socket;
              if (pulled++ > 0 && socket)
                unsent.push({ corked: socket.writableCorked, bytes: socket.writableLength });
              yield delta;
            }
          },
        };
      },
    };
    const server = await startTestServer({ registry: await fixtureRegistry(), gateway });
    servers.push(server);
    diagnostics.subscribe("http.server.request.start", onRequest);
    try {
      const response = await server.signed("/v1/run", {
        body: { ref: "support/greet", input: { name: "Ada Lovelace the first" }, stream: true },
      });
      const frames = parseSse(await response.text());
      expect(frames.filter((frame) => frame.event === "delta").length).toBeGreaterThan(1);
      expect(frames.at(-1)?.event).toBe("final");
    } finally {
      diagnostics.unsubscribe("http.server.request.start", onRequest);
    }
    // When the second event is asked for, the headers and first frame are already written, nothing held back.
    expect(unsent[0]).toEqual({ corked: 0, bytes: 0 });
  });

  it("ends a stream cut mid-way with a typed error event, never a clean end", async () => {
    const server = await serverWith({ "x-mock-faults": "cut:after=2" });
    const response = await server.signed("/v1/run", {
      body: { ref: "support/greet", input: { name: "Ada Lovelace the first" }, stream: true },
    });
    expect(response.status).toBe(200);
    const frames = parseSse(await response.text());
    expect(frames.filter((frame) => frame.event === "delta")).toHaveLength(2);
    const last = frames.at(-1) as { event: string; data: { error: Record<string, unknown> } };
    expect(last.event).toBe("error");
    expect(last.data.error).toMatchObject({
      type: "upstream_error",
      code: "upstream_error",
      requestId: expect.any(String),
    });
    expect(frames.some((frame) => frame.event === "final")).toBe(false);
  });

  it("answers a JSON error, not a stream, when the gateway fails before the first token", async () => {
    const server = await serverWith({ "x-mock-faults": "500,500,500" });
    const response = await server.signed("/v1/run", {
      body: { ref: "support/greet", input: { name: "Ada" }, stream: true },
    });
    expect(response.status).toBe(502);
    expect(response.headers.get("content-type")).toContain("application/json");
  });

  it("aborts the upstream call when the client disconnects", async () => {
    const upstreamSignals: AbortSignal[] = [];
    const spyFetch: typeof fetch = (input, init) => {
      if (init?.signal) upstreamSignals.push(init.signal);
      return fetch(input, init);
    };
    const server = await serverWith({ "x-mock-faults": "stall:after=1" }, spyFetch);
    const controller = new AbortController();
    const response = await server.signed("/v1/run", {
      body: { ref: "support/greet", input: { name: "Ada" }, stream: true },
      signal: controller.signal,
    });
    await readUntil(response, (text) => text.includes("event: delta"));
    expect(upstreamSignals).toHaveLength(1);
    expect(upstreamSignals[0]?.aborted).toBe(false);
    controller.abort();
    await vi.waitFor(() => expect(upstreamSignals[0]?.aborted).toBe(true), { timeout: 30_000 });
  });

  it("ends open streams with a typed shutting_down error when the drain timeout closes them", async () => {
    const lifecycle = createLifecycle();
    const server = await serverWith({ "x-mock-faults": "stall:after=1" }, undefined, lifecycle);
    const response = await server.signed("/v1/run", {
      body: { ref: "support/greet", input: { name: "Ada" }, stream: true },
    });
    let text = await readUntil(response, (sofar) => sofar.includes("event: delta"));
    expect(lifecycle.openStreams.size).toBe(1);
    for (const close of lifecycle.openStreams) close();
    text += await readUntil(response, () => false);
    const last = parseSse(text).at(-1) as { event: string; data: { error: { code: string } } };
    expect(last, text).toMatchObject({ event: "error", data: { error: { code: "shutting_down" } } });
    await vi.waitFor(() => expect(lifecycle.openStreams.size).toBe(0), { timeout: 30_000 });
  });
});
