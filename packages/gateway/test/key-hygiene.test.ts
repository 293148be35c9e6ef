import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createGatewayClient, fileApiKeyProvider, type GatewayEvent } from "../src/index.js";
import { call, type Harness, KEY, MESSAGES, startHarness } from "./harness.js";

/**
 * The key may appear in exactly one place: the Authorization header. This suite drives every kind of outcome (each
 * error class, streams, a gateway that echoes the key back) and captures console output, stdout/stderr, events,
 * errors with their causes, and results; the full key must appear in none of them.
 */
const lines: string[] = [];
const restore: (() => void)[] = [];
const record = (value: unknown) => {
  lines.push(typeof value === "string" ? value : inspect(value, { depth: 10, showHidden: true }));
  if (value instanceof Error) lines.push(String(value.stack), JSON.stringify(value));
};

let h: Harness;
let echo: Server;
let echoUrl: string;

beforeAll(async () => {
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    const spy = vi.spyOn(console, method).mockImplementation((...args: unknown[]) => args.forEach(record));
    restore.push(() => spy.mockRestore());
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      record(String(chunk));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => {
      stream.write = original;
    });
  }
  h = await startHarness({
    client: {
      retry: { maxAttempts: 2 },
      timeouts: { attemptMs: 1_500, idleMs: 1_500 },
      circuitBreaker: { consecutiveFailures: 2 },
      retryBudget: { ratio: 0, minRetries: 20 },
    },
  });
  // A careless gateway that echoes the bearer token in error bodies and stream frames.
  echo = createServer((req, res) => {
    const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    if (req.headers.accept === "text/event-stream") {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: "hi" } }] })}\n\n`);
      res.end(`data: {"error": {"message": "provider rejected key ${token}"}}\n\n`);
      return;
    }
    res.writeHead(401, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        error: { message: `Incorrect API key provided: ${token}`, type: "invalid_request_error" },
      }),
    );
  });
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  await h.close();
  await new Promise((resolve) => echo.close(resolve));
  for (const undo of restore) undo();
});

describe("key hygiene", () => {
  it("keeps the full key out of every log line, event, error and result", { timeout: 60_000 }, async () => {
    const faults = [
      "ok",
      "500,500",
      "429:s=0,429:s=0",
      "400",
      "401",
      "403",
      "reset,reset",
      "delay:ms=5000,delay:ms=5000",
      "stall:after=1",
      "cut:after=1",
      "malformed",
      "inband-error:after=1",
      "failover:provider=azure;model=openai/gpt-4o",
    ];
    for (const f of faults) {
      for (const stream of [false, true]) await call(h, { stream, faults: f });
    }
    await call(h, { stream: false, model: "mock/faults=500+500+500+500" });
    await call(h, { stream: false, model: "mock/faults=500+500+500+500" }); // circuit opens
    await call(h, { stream: false, model: "mock/faults=500+500+500+500" }); // CircuitOpenError
    for (const stream of [false, true]) await call(h, { stream, faults: "500,500,500" }); // budget spent eventually

    const echoEvents: GatewayEvent[] = [];
    const careless = createGatewayClient({
      baseUrl: echoUrl,
      apiKey: KEY,
      events: (e) => echoEvents.push(e),
    });
    record(careless);
    record(JSON.stringify(careless));
    for (const run of [
      () => careless.chat({ model: "x/y", messages: MESSAGES }),
      async () => {
        const s = careless.chatStream({ model: "x/y", messages: MESSAGES });
        for await (const _ of s) {
        }
        return s.result;
      },
      () => Promise.resolve(fileApiKeyProvider("/nonexistent/key").getKey()),
      () => Promise.resolve().then(() => createGatewayClient({ baseUrl: "nope", apiKey: KEY })),
    ]) {
      const error = await run().catch((e: unknown) => e);
      record(error);
      console.error("call failed:", error);
    }
    echoEvents.forEach(record);
    h.events.forEach(record);
    lines.push(...h.captured);

    const all = lines.join("\n");
    expect(all.length).toBeGreaterThan(10_000);
    expect(all).toContain("sk-live-…"); // the redacted form does show, e.g. in the 401 message
    expect(all).not.toContain(KEY);
    expect(all).not.toContain(KEY.slice(8));
  });
});
