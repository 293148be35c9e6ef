import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChatRequest } from "@promptreg/gateway";
import { createMockGateway, type MockGateway } from "@promptreg/mock-gateway";
import type { GatewayPort } from "@promptreg/runtime";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  capturedLogLines,
  fixtureRegistry,
  startTestServer,
  type TestServer,
  testGateway,
} from "./harness.js";

type ErrorJson = { error: { type: string; code: string; message: string; details: Record<string, unknown> } };

// A request the gateway client refuses with InvalidConfigError("request.fallbacks") before sending anything. Templates
// can no longer put `fallbacks` into model.params (the registry refuses it at load, reserved_model_param), so the
// gateway port below adds the malformed field to an otherwise valid template's request.
const BAD_PARAMS_TEMPLATE = `id: lab/bad-params
version: 1.0.0
description: A valid template whose request the wrapped gateway makes invalid.
owners: [lab@example.com]
tags: [lab]
status: published
changelog: First version.
model:
  name: openai/gpt-4o-mini
prompt: "Say hello to {{name}}."
input:
  type: object
  properties:
    name: { type: string }
  required: [name]
`;

let mock: MockGateway;
let dir: string;
const servers: TestServer[] = [];

beforeAll(async () => {
  mock = await createMockGateway({});
  dir = await mkdtemp(join(tmpdir(), "promptreg-gateway-errors-"));
  await mkdir(join(dir, "lab", "bad-params"), { recursive: true });
  await writeFile(join(dir, "lab", "bad-params", "1.0.0.yaml"), BAD_PARAMS_TEMPLATE);
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await mock.close();
  await rm(dir, { recursive: true, force: true });
});

async function serve(gateway: GatewayPort, templates?: string): Promise<TestServer> {
  const server = await startTestServer({ registry: await fixtureRegistry(templates), gateway });
  servers.push(server);
  return server;
}

async function errorCount(server: TestServer, labels: { origin: string; code?: string }) {
  const metric = await server.metrics.errors.get();
  return metric.values
    .filter((v) => v.labels.origin === labels.origin && (!labels.code || v.labels.code === labels.code))
    .reduce((sum, v) => sum + v.value, 0);
}

function logLinesFor(requestId: string) {
  return capturedLogLines
    .filter((line) => line.includes(requestId))
    .map((line) => JSON.parse(line) as { level: number; msg: string; status?: number; errorCode?: string });
}

/** The request's log line says 499 client_closed at info level, counted as a caller error and nothing else. */
async function expectClientClosedLogged(server: TestServer, requestId: string) {
  await vi.waitFor(() => expect(logLinesFor(requestId).some((l) => l.msg === "request")).toBe(true), {
    timeout: 30_000,
  });
  const lines = logLinesFor(requestId);
  expect(lines.every((line) => line.level < 50)).toBe(true);
  expect(lines.find((line) => line.msg === "request")).toMatchObject({
    status: 499,
    errorCode: "client_closed",
  });
  expect(await errorCount(server, { origin: "caller", code: "client_closed" })).toBe(1);
  expect(await errorCount(server, { origin: "upstream" })).toBe(0);
  expect(await errorCount(server, { origin: "server" })).toBe(0);
}

describe("gateway InvalidConfigError", () => {
  it("answers 422 naming the request field the gateway refused, plain and streaming", async () => {
    const real = testGateway({ baseUrl: mock.url });
    const malformed = (request: ChatRequest) =>
      ({ ...request, fallbacks: "not-a-list" }) as unknown as ChatRequest;
    const refusing: GatewayPort = {
      chat: (request, options) => real.chat(malformed(request), options),
      chatStream: (request, options) => real.chatStream(malformed(request), options),
    };
    const server = await serve(refusing, dir);
    const before = mock.stats().requests;
    for (const stream of [false, true]) {
      const response = await server.signed("/v1/run", {
        body: { ref: "lab/bad-params", input: { name: "Ada" }, stream },
      });
      expect(response.status).toBe(422);
      expect(response.headers.get("content-type")).toContain("application/json");
      const body = (await response.json()) as ErrorJson;
      expect(body.error).toMatchObject({
        type: "validation_error",
        code: "invalid_gateway_request",
        details: { field: "fallbacks", gatewayCode: "invalid_config" },
      });
      expect(body.error.message).toContain('"fallbacks"');
    }
    expect(mock.stats().requests).toBe(before);
    expect(await errorCount(server, { origin: "caller", code: "invalid_gateway_request" })).toBe(2);
    expect(await errorCount(server, { origin: "upstream" })).toBe(0);
  });
});

describe("gateway AbortedError", () => {
  it("a call cancelled from outside the request is client_closed (499, caller), not an upstream 5xx", async () => {
    const real = testGateway({ baseUrl: mock.url });
    // Stands in for a cancellation the request's own signal did not cause (e.g. a stream consumer that stopped).
    const cancelled: GatewayPort = {
      chat: (request: ChatRequest, options) =>
        real.chat(request, { ...options, signal: AbortSignal.abort() }),
      chatStream: (request: ChatRequest, options) =>
        real.chatStream(request, { ...options, signal: AbortSignal.abort() }),
    };
    const server = await serve(cancelled);
    const response = await server.signed("/v1/run", {
      body: { ref: "support/greet", input: { name: "Ada" } },
    });
    expect(response.status).toBe(499);
    const body = (await response.json()) as ErrorJson;
    expect(body.error).toMatchObject({ code: "client_closed", details: { gatewayCode: "aborted" } });
    await expectClientClosedLogged(server, response.headers.get("x-request-id") ?? "");
  });

  it("a client that disconnects mid-run is logged and counted as client_closed, never as a 5xx", async () => {
    const server = await serve(
      testGateway({ baseUrl: mock.url, headers: { "x-mock-faults": "delay:ms=5000" } }),
    );
    const controller = new AbortController();
    const requestId = "disconnect-mid-run-1";
    const before = mock.stats().requests;
    const pending = server.signed("/v1/run", {
      body: { ref: "support/greet", input: { name: "Ada" } },
      headers: { "x-request-id": requestId },
      signal: controller.signal,
    });
    await vi.waitFor(() => expect(mock.stats().requests).toBeGreaterThan(before), { timeout: 30_000 });
    controller.abort();
    await expect(pending).rejects.toThrow();
    await expectClientClosedLogged(server, requestId);
  });
});
