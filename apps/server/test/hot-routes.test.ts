// Exact `POST /v1/render` and `POST /v1/run` skip Express's dispatch (src/http/hot-routes.ts); the same routes reached
// through Express (here with a query string, which the hot path never takes) must answer exactly alike.
import { createMockGateway, type MockGateway } from "@promptreg/mock-gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLifecycle } from "../src/routes/operations.js";
import type { TestServer } from "./harness.js";
import { capturedLogLines, fixtureRegistry, SECRETS, startTestServer, testGateway } from "./harness.js";

const lifecycle = createLifecycle();
let server: TestServer;
let noGateway: TestServer;
let mock: MockGateway;

beforeAll(async () => {
  mock = await createMockGateway({});
  const registry = await fixtureRegistry();
  server = await startTestServer({ registry, gateway: testGateway({ baseUrl: mock.url }), lifecycle });
  noGateway = await startTestServer({ registry });
});
afterAll(async () => {
  await server.close();
  await noGateway.close();
  await mock.close();
});

/** Headers whose values differ between any two answers (time, request id, the shrinking rate-limit budget). */
const VARYING = new Set(["date", "x-request-id", "ratelimit-remaining", "content-length"]);

/** What a run's answer says that differs from call to call: timings and the upstream's ids. */
const PER_CALL =
  /"(latencyMs|ttfbMs|totalMs|firstChunkMs)":[\d.]+|"(generationId|requestId|idempotencyKey)":"[^"]*"/g;

/** An answer with what varies per request taken out: status, every other header, the body with its ids masked. */
async function comparable(response: Response) {
  const requestId = response.headers.get("x-request-id") ?? "";
  const headers = Object.fromEntries([...response.headers].filter(([name]) => !VARYING.has(name)));
  return {
    status: response.status,
    headers,
    hasRequestId: /^[0-9a-f-]{36}$/.test(requestId),
    body: (await response.text()).replaceAll(requestId, "<request id>").replace(PER_CALL, "<per call>"),
  };
}

/** The request log line of the request `requestId` (parsed), without what varies per request. */
function logLine(requestId: string | null) {
  const line = capturedLogLines
    .map((text) => JSON.parse(text))
    .find((entry) => entry.requestId === requestId && entry.route !== undefined);
  if (!line) return undefined;
  const { time: _time, latencyMs: _latency, requestId: _id, pid: _pid, ...rest } = line;
  return rest;
}

type Case = {
  name: string;
  path: "/v1/render" | "/v1/run";
  options: Parameters<TestServer["signed"]>[1];
  server?: () => TestServer;
};
const cases: Case[] = [
  {
    name: "a render",
    path: "/v1/render",
    options: { body: { ref: "support/summarize@production", input: { ticket: "Invoice wrong" } } },
  },
  {
    name: "an input that fails the template's schema (422, thrown by the route)",
    path: "/v1/render",
    options: { body: { ref: "support/summarize@1.0.0", input: { tier: "gold" } } },
  },
  {
    name: "an unknown template (404)",
    path: "/v1/render",
    options: { body: { ref: "support/nope", input: {} } },
  },
  {
    name: "a body that is not the one signed (401, thrown by admission)",
    path: "/v1/render",
    options: { body: { ref: "support/greet", input: {} }, sendBody: '{"ref":"support/other"}' },
  },
  {
    name: "a body that is not JSON (400)",
    path: "/v1/render",
    options: { rawBody: "{not json" },
  },
  {
    name: "a body of another media type (415)",
    path: "/v1/render",
    options: { rawBody: "ref=x", headers: { "content-type": "text/plain" } },
  },
  {
    name: "a body over the limit (413, refused before it is read)",
    path: "/v1/render",
    options: { rawBody: JSON.stringify({ ref: "support/greet", input: { name: "x".repeat(5_000) } }) },
  },
  {
    name: "a run",
    path: "/v1/run",
    options: { body: { ref: "support/greet", input: { name: "Ada" } } },
  },
  {
    name: "a streamed run",
    path: "/v1/run",
    options: { body: { ref: "support/greet", input: { name: "Ada" }, stream: true } },
  },
  {
    name: "a run without a gateway (503, rejected by the async route)",
    path: "/v1/run",
    options: { body: { ref: "support/greet", input: { name: "Ada" } } },
    server: () => noGateway,
  },
];

describe("the hot routes answer exactly as Express's dispatch of the same routes", () => {
  it.each(cases)("$name", async ({ path, options, server: which }) => {
    const target = which?.() ?? server;
    const hot = await target.signed(path, options);
    const routed = await target.signed(`${path}?via=express`, options);
    const hotRequestId = hot.headers.get("x-request-id");
    const routedRequestId = routed.headers.get("x-request-id");
    const [hotAnswer, routedAnswer] = [await comparable(hot), await comparable(routed)];
    expect(hotAnswer).toEqual(routedAnswer);
    expect(hotAnswer.hasRequestId).toBe(true);
    // Every answer carries the security headers (set in front of every route).
    expect(hotAnswer.headers).toMatchObject({
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
      "x-frame-options": "DENY",
    });
    // One request log line each, alike but for the path's query.
    await new Promise((resolve) => setImmediate(resolve));
    const hotLog = logLine(hotRequestId);
    expect(hotLog).toBeDefined();
    expect(hotLog).toEqual({ ...logLine(routedRequestId), path });
  });

  it("refuses a replayed nonce on both paths alike (401)", async () => {
    const body = { ref: "support/greet", input: { name: "Ada" } };
    const answers = [];
    for (const path of ["/v1/render", "/v1/render?via=express"]) {
      const options = {
        body,
        nonce: `replay-${path.length}-0123456789abcdef`,
        timestamp: Math.floor(Date.now() / 1000),
      };
      const first = await server.signed(path, options);
      await first.arrayBuffer();
      expect(first.status).toBe(200);
      answers.push(await comparable(await server.signed(path, options)));
    }
    expect(answers[0]).toMatchObject({
      status: 401,
      body: expect.stringContaining('"code":"replayed_nonce"'),
    });
    expect(answers[0]).toEqual(answers[1]);
  });

  it("applies the client's rate limit on both paths alike (429 with Retry-After)", async () => {
    const slow = {
      keyId: "app-slow",
      secret: SECRETS.slow,
      body: { ref: "support/greet", input: { name: "Ada" } },
    };
    // app-slow may send 3 requests a minute; the hot path and Express's charge the same budget.
    for (let i = 0; i < 3; i++) {
      const response = await server.signed("/v1/render", slow);
      await response.arrayBuffer();
      expect(response.status).toBe(200);
    }
    const hot = await comparable(await server.signed("/v1/render", slow));
    const routed = await comparable(await server.signed("/v1/render?via=express", slow));
    expect(hot).toMatchObject({
      status: 429,
      headers: { "retry-after": expect.any(String), "ratelimit-limit": "3" },
    });
    expect(hot).toEqual(routed);
  });

  it("counts both in the same request histogram series, by route template", async () => {
    const series = async () =>
      (await server.metrics.register.getSingleMetricAsString("http_server_request_duration_seconds"))
        .split("\n")
        .find((line) =>
          line.startsWith(
            'http_server_request_duration_seconds_count{method="POST",route="/v1/render",status="200"}',
          ),
        );
    const count = async () => Number((await series())?.split(" ")[1] ?? 0);
    const before = await count();
    const body = { ref: "support/greet", input: { name: "Ada" } };
    await (await server.signed("/v1/render", { body })).arrayBuffer();
    await (await server.signed("/v1/render?via=express", { body })).arrayBuffer();
    await new Promise((resolve) => setImmediate(resolve));
    expect((await count()) - before).toBe(2);
  });

  it("asks keep-alive clients to reconnect while draining, on both paths", async () => {
    lifecycle.draining = true;
    try {
      const body = { ref: "support/greet", input: { name: "Ada" } };
      for (const path of ["/v1/render", "/v1/render?via=express"]) {
        const response = await server.signed(path, { body });
        await response.arrayBuffer();
        expect(response.status).toBe(200);
        expect(response.headers.get("connection")).toBe("close");
      }
    } finally {
      lifecycle.draining = false;
    }
  });
});
