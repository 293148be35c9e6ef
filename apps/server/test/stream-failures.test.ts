import { createGatewayClient } from "@promptreg/gateway";
import { createMockGateway, type MockGateway } from "@promptreg/mock-gateway";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLifecycle, type Lifecycle } from "../src/routes/operations.js";
import {
  capturedLogLines,
  fixtureRegistry,
  GATEWAY_TEST_KEY,
  startTestServer,
  TEST_APP_CONFIG,
  type TestServer,
} from "./harness.js";
import { parseSse, readUntil } from "./sse.js";

// A stream that fails after its 200 went out is a failed request: the error counter the error-rate alert reads,
// the request log line and /v1/stats must all say so, with who was at fault.
let mock: MockGateway;
const servers: TestServer[] = [];

beforeAll(async () => {
  mock = await createMockGateway({});
});
afterAll(async () => {
  for (const server of servers) await server.close();
  await mock.close();
});

async function serverWith({
  faults,
  idleMs = 30_000,
  requestTimeoutMs = TEST_APP_CONFIG.requestTimeoutMs,
  lifecycle,
}: {
  faults: string;
  idleMs?: number;
  requestTimeoutMs?: number;
  lifecycle?: Lifecycle;
}) {
  const server = await startTestServer({
    registry: await fixtureRegistry(),
    config: { ...TEST_APP_CONFIG, requestTimeoutMs },
    ...(lifecycle ? { lifecycle } : {}),
    gateway: createGatewayClient({
      baseUrl: mock.url,
      apiKey: GATEWAY_TEST_KEY,
      headers: { "x-mock-faults": faults },
      retry: { maxAttempts: 1 },
      retryBudget: false,
      circuitBreaker: false,
      timeouts: { attemptMs: 30_000, idleMs, deadlineMs: 120_000 },
    }),
  });
  servers.push(server);
  return server;
}

const RUN = { ref: "support/greet", input: { name: "Ada Lovelace the first" }, stream: true };
const FACADE = { model: "template:support/greet", input: { name: "Ada Lovelace the first" }, stream: true };

async function requestLine(requestId: string) {
  let line: Record<string, unknown> | undefined;
  await vi.waitFor(
    () => {
      line = capturedLogLines
        .map((text) => JSON.parse(text) as Record<string, unknown>)
        .find((entry) => entry.requestId === requestId && entry.route !== undefined);
      expect(line).toBeDefined();
    },
    { timeout: 20_000 },
  );
  return line as Record<string, unknown>;
}

async function errorCount(server: TestServer, origin: string, code: string) {
  const metric = await server.metrics.errors.get();
  return metric.values
    .filter((value) => value.labels.origin === origin && value.labels.code === code)
    .reduce((sum, value) => sum + value.value, 0);
}

/** Checks the failure everywhere it must show; the stream itself began with a 200 and a token. */
async function expectCountedFailure(
  server: TestServer,
  response: Response,
  text: string,
  expected: { origin: "caller" | "upstream" | "server"; codes: string[] },
) {
  expect(response.status).toBe(200);
  const frames = parseSse(text);
  const errorAt = frames.findIndex(
    (frame) => typeof frame.data === "object" && frame.data !== null && "error" in frame.data,
  );
  // A token went out first, then the typed error frame.
  expect(errorAt, text).toBeGreaterThan(0);

  const line = await requestLine(response.headers.get("x-request-id") as string);
  expect(line).toMatchObject({ status: 200, outcome: "error", errorOrigin: expected.origin });
  expect(expected.codes).toContain(line.errorCode);
  expect(await errorCount(server, expected.origin, line.errorCode as string)).toBe(1);

  const stats = (await (await server.signed("/v1/stats")).json()) as {
    window1m: { requests: number; errors: number; upstreamErrors: number; callerErrors: number };
  };
  expect(stats.window1m).toMatchObject({
    requests: 1,
    errors: 1,
    upstreamErrors: expected.origin === "upstream" ? 1 : 0,
    callerErrors: expected.origin === "caller" ? 1 : 0,
  });
}

describe("stream failures after the first byte are counted as failed requests", () => {
  it("an upstream cut (/v1/run)", { timeout: 60_000 }, async () => {
    const server = await serverWith({ faults: "cut:after=2" });
    const response = await server.signed("/v1/run", { body: RUN });
    const text = await response.text();
    await expectCountedFailure(server, response, text, { origin: "upstream", codes: ["upstream_error"] });
  });

  it("an upstream cut (OpenAI facade)", { timeout: 60_000 }, async () => {
    const server = await serverWith({ faults: "cut:after=2" });
    const response = await server.signed("/v1/chat/completions", { body: FACADE });
    const text = await response.text();
    await expectCountedFailure(server, response, text, { origin: "upstream", codes: ["upstream_error"] });
  });

  it("an upstream error frame", { timeout: 60_000 }, async () => {
    const server = await serverWith({ faults: "inband-error:after=1" });
    const response = await server.signed("/v1/run", { body: RUN });
    const text = await response.text();
    await expectCountedFailure(server, response, text, { origin: "upstream", codes: ["upstream_error"] });
  });

  it("a stalled upstream past the idle timeout", { timeout: 60_000 }, async () => {
    const server = await serverWith({ faults: "stall:after=1", idleMs: 300 });
    const response = await server.signed("/v1/run", { body: RUN });
    const text = await response.text();
    await expectCountedFailure(server, response, text, { origin: "upstream", codes: ["upstream_error"] });
  });

  it("the request's overall timeout", { timeout: 60_000 }, async () => {
    const server = await serverWith({ faults: "stall:after=1", requestTimeoutMs: 1500 });
    const response = await server.signed("/v1/run", { body: RUN });
    const text = await response.text();
    // The gateway's deadline for the call is what is left of the request's, and the pipeline says that one passing
    // is the request's timeout: one code, no race with a second timer.
    await expectCountedFailure(server, response, text, { origin: "upstream", codes: ["request_timeout"] });
  });

  it("a shutdown after the first token", { timeout: 60_000 }, async () => {
    const lifecycle = createLifecycle();
    const server = await serverWith({ faults: "stall:after=1", lifecycle });
    const response = await server.signed("/v1/run", { body: RUN });
    let text = await readUntil(response, (sofar) => sofar.includes("event: delta"));
    for (const close of lifecycle.openStreams) close();
    text += await readUntil(response, () => false);
    await expectCountedFailure(server, response, text, { origin: "server", codes: ["shutting_down"] });
  });
});
