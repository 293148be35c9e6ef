import type { ChatOptions, ChatResult, ProviderMetadata } from "@promptreg/gateway";
import { createMockGateway, type MockGateway } from "@promptreg/mock-gateway";
import type { GatewayPort } from "@promptreg/runtime";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  fixtureRegistry,
  SECRETS,
  startTestServer,
  TEST_APP_CONFIG,
  type TestServer,
  testGateway,
} from "./harness.js";

let mock: MockGateway;
let server: TestServer;
let faulty: TestServer;

beforeAll(async () => {
  mock = await createMockGateway({});
  const registry = await fixtureRegistry();
  server = await startTestServer({ registry, gateway: testGateway({ baseUrl: mock.url }) });
  faulty = await startTestServer({
    registry,
    gateway: testGateway({ baseUrl: mock.url, headers: { "x-mock-faults": "503:s=7,503:s=7,503:s=7" } }),
  });
});
afterAll(async () => {
  await server.close();
  await faulty.close();
  await mock.close();
});

type ErrorJson = { error: { type: string; code: string; message: string; details: Record<string, unknown> } };

describe("POST /v1/render", () => {
  it("resolves a label to the exact version and renders messages, model and params", async () => {
    const response = await server.signed("/v1/render", {
      body: { ref: "support/summarize@production", input: { ticket: "Invoice wrong" } },
    });
    expect(response.status).toBe(200);
    // Written by sendJson, not res.json: the same headers as Express's JSON answers.
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const text = await response.text();
    expect(response.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
    const body = JSON.parse(text) as Record<string, unknown>;
    expect(body).toMatchObject({
      ref: { id: "support/summarize", version: "1.0.0", hash: expect.stringMatching(/^sha256:/) },
      model: "openai/gpt-4o-mini",
      params: { temperature: 0.2, max_tokens: 200 },
      fallbacks: ["anthropic/claude-3-5-haiku"],
      messages: [
        { role: "system", content: "You summarise tickets. Be concise and kind.\n" },
        { role: "user", content: "Tier: free. Ticket: Invoice wrong" },
      ],
      outputSchema: { type: "object" },
    });
  });

  it("answers 422 listing every failing input path", async () => {
    const response = await server.signed("/v1/render", {
      body: { ref: "support/summarize@1.0.0", input: { tier: "gold", extra: 1 } },
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as ErrorJson;
    expect(body.error).toMatchObject({ type: "validation_error", code: "input_invalid" });
    const paths = (body.error.details.issues as { path: unknown[] }[]).map((issue) => issue.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["ticket", "tier"]));
  });

  it("answers 404 for an unknown id, version or label and 400 for a malformed reference", async () => {
    for (const [ref, kind] of [
      ["support/nope", "id"],
      ["support/summarize@9.0.0", "version"],
      ["support/summarize@canary", "label"],
    ] as const) {
      const response = await server.signed("/v1/render", { body: { ref, input: { ticket: "x" } } });
      expect(response.status).toBe(404);
      expect(((await response.json()) as ErrorJson).error).toMatchObject({
        code: "template_not_found",
        details: { kind },
      });
    }
    const bad = await server.signed("/v1/render", { body: { ref: "Support/../x", input: {} } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorJson).error.code).toBe("invalid_reference");
  });

  it("answers 400 for a body without ref", async () => {
    const response = await server.signed("/v1/render", { body: { input: {} } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorJson).error).toMatchObject({ code: "invalid_body" });
  });

  it("answers 404 when a restricted client renders a template outside its prefix", async () => {
    const response = await server.signed("/v1/render", {
      body: { ref: "billing/explain-invoice", input: { line: "VAT" } },
      keyId: "app-support",
      secret: SECRETS.support,
    });
    expect(response.status).toBe(404);
    const allowed = await server.signed("/v1/render", {
      body: { ref: "support/greet", input: { name: "Ada" } },
      keyId: "app-support",
      secret: SECRETS.support,
    });
    expect(allowed.status).toBe(200);
  });
});

describe("POST /v1/run", () => {
  it("returns validated JSON output, raw text, usage, cost, metadata and the exact ref", async () => {
    const response = await server.signed("/v1/run", {
      body: { ref: "support/summarize@staging", input: { ticket: "Login fails", customer: "Ada" } },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown> & { output: Record<string, unknown> };
    expect(body.ref).toMatchObject({ id: "support/summarize", version: "1.1.0" });
    expect(body.output).toMatchObject({ summary: expect.any(String), sentiment: "positive" });
    expect(JSON.parse(body.text as string)).toEqual(body.output);
    expect(body.usage).toMatchObject({
      promptTokens: expect.any(Number),
      completionTokens: expect.any(Number),
    });
    expect(body.cost).toEqual(expect.any(Number));
    expect(body.repairs).toBe(0);
    expect(body.metadata).toMatchObject({
      provider: "openai",
      requestedModel: "openai/gpt-4o-mini",
      attempts: 1,
    });
  });

  it("returns text output for a template without an output schema", async () => {
    const response = await server.signed("/v1/run", {
      body: { ref: "support/greet", input: { name: "Ada" } },
    });
    const body = (await response.json()) as { output: unknown; text: string };
    expect(body.output).toBe(body.text);
    expect(body.text).toContain("Say hello to Ada.");
  });

  it("maps a gateway outage to 503 and passes Retry-After on", async () => {
    const response = await faulty.signed("/v1/run", {
      body: { ref: "support/greet", input: { name: "Ada" } },
    });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("7");
    const body = (await response.json()) as ErrorJson;
    expect(body.error).toMatchObject({ type: "unavailable", code: "upstream_unavailable" });
    // A 7 s Retry-After is beyond the test gateway's maxRetryAfterMs (20 ms): not waited for, so one attempt.
    expect(body.error.details).toMatchObject({ attempts: 1 });
  });

  it("records the run in /v1/stats and the gateway metrics with template labels", async () => {
    const stats = (await (await server.signed("/v1/stats")).json()) as {
      byTemplate: { template: string; requests: number }[];
      providerMix: Record<string, number>;
    };
    expect(stats.byTemplate.map((t) => t.template)).toContain("support/summarize@1.1.0");
    expect(stats.providerMix.openai).toBeGreaterThan(0);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/http_server_request_duration_seconds_count\{[^}]*route="\/v1\/run"/);
  });
});

describe("request timeout", () => {
  it("gives the run the request's one deadline: a repair call gets only what the first call left", async () => {
    // Date is fake (timers stay real, so HTTP works): the request arrives at a frozen instant, the first model call
    // "takes" 1,000 ms by moving the clock and answers an output that fails the schema, and the repair call must
    // get what is left of the deadline the request got on arrival, not a fresh budget.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    const deadlines: (number | undefined)[] = [];
    const replies = ["not json", JSON.stringify({ summary: "VAT fixed", sentiment: "neutral" })];
    const gateway: GatewayPort = {
      chat: async (_request, options?: ChatOptions): Promise<ChatResult> => {
        deadlines.push(options?.deadlineMs);
        vi.setSystemTime(Date.now() + 1_000);
        const text = replies[deadlines.length - 1] ?? "";
        return {
          text,
          message: { role: "assistant", content: text },
          finishReason: "stop",
          usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
          cost: undefined,
          metadata: { provider: "openai" } as ProviderMetadata,
        };
      },
      chatStream: () => {
        throw new Error("not streamed in this test");
      },
    };
    const server = await startTestServer({
      registry: await fixtureRegistry(),
      config: { ...TEST_APP_CONFIG, requestTimeoutMs: 20_000, outputRepairAttempts: 1 },
      gateway,
    });
    try {
      const response = await server.signed("/v1/run", {
        body: { ref: "support/summarize@1.0.0", input: { ticket: "My invoice is wrong." } },
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { repairs: number }).repairs).toBe(1);
      expect(deadlines).toEqual([20_000, 19_000]);
    } finally {
      vi.useRealTimers();
      await server.close();
    }
  });

  it("cancels a run that exceeds the request budget with 504", async () => {
    const registry = await fixtureRegistry();
    const slow = await startTestServer({
      registry,
      config: {
        bodyLimitBytes: 4096,
        requestTimeoutMs: 300,
        rateLimitPerMinute: 1000,
        outputRepairAttempts: 1,
        statsCapacity: 100,
      },
      gateway: testGateway({
        baseUrl: mock.url,
        headers: { "x-mock-faults": "delay:ms=3000" },
        maxAttempts: 1,
      }),
    });
    try {
      const response = await slow.signed("/v1/run", {
        body: { ref: "support/greet", input: { name: "Ada" } },
      });
      expect(response.status).toBe(504);
      expect(((await response.json()) as ErrorJson).error).toMatchObject({
        type: "timeout",
        code: "request_timeout",
        details: { attempts: 1 },
      });
    } finally {
      await slow.close();
    }
  });
});
