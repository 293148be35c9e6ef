import { createNonce } from "@promptreg/signing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { capturedLogLines, SECRETS, sentSignatures, startTestServer, type TestServer } from "./harness.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

async function errorOf(response: Response) {
  const body = (await response.json()) as {
    error: { type: string; code: string; message: string; requestId: string };
  };
  return { status: response.status, ...body.error };
}

describe("request signing", () => {
  it("accepts a correctly signed request", async () => {
    const response = await server.signed("/v1/stats");
    expect(response.status).toBe(200);
  });

  it("rejects an unsigned request with missing_headers", async () => {
    const error = await errorOf(await fetch(`${server.url}/v1/stats`));
    expect(error).toMatchObject({ status: 401, type: "authentication_error", code: "missing_headers" });
    expect(error.requestId).toMatch(/.+/);
  });

  it("rejects unsigned requests to every spelling of a /v1 path that reaches a /v1 route", async () => {
    // Express matches routes case-insensitively and ignores a trailing slash, so each of these reaches a /v1 route.
    for (const path of ["/V1/stats", "/v1/STATS", "/v1/stats/", "/V1/Render", "/v1"]) {
      const error = await errorOf(
        await fetch(`${server.url}${path}`, { method: path.endsWith("ender") ? "POST" : "GET" }),
      );
      expect({ path, ...error }).toMatchObject({ path, status: 401, code: "missing_headers" });
    }
  });

  it("names the endpoint with its /v1 in a body error", async () => {
    const error = await errorOf(await server.signed("/v1/render", { rawBody: '{"ref": "a",' }));
    expect(error.message).toContain("Invalid request body for POST /v1/render:");
  });

  it("rejects a tampered body with signature_mismatch", async () => {
    const response = await server.signed("/v1/render", {
      body: { ref: "support/summarize-ticket", input: { ticket: "a" } },
      sendBody: JSON.stringify({ ref: "support/summarize-ticket", input: { ticket: "b" } }),
    });
    expect(await errorOf(response)).toMatchObject({ status: 401, code: "signature_mismatch" });
  });

  it("rejects a tampered path and a tampered query", async () => {
    const path = await server.signed("/v1/templates/support/a", { sendPath: "/v1/templates/support/b" });
    expect(await errorOf(path)).toMatchObject({ status: 401, code: "signature_mismatch" });
    const query = await server.signed("/v1/templates?tag=a", { sendPath: "/v1/templates?tag=b" });
    expect(await errorOf(query)).toMatchObject({ status: 401, code: "signature_mismatch" });
  });

  it("rejects stale and future timestamps", async () => {
    // A few seconds past the window: the exact ±300 s boundary is tested with a fake clock in @promptreg/signing,
    // while here the server reads its own clock a moment later (a second may tick in between).
    const now = Math.floor(Date.now() / 1000);
    const stale = await server.signed("/v1/stats", { timestamp: now - 305 });
    expect(await errorOf(stale)).toMatchObject({ status: 401, code: "stale_timestamp" });
    const future = await server.signed("/v1/stats", { timestamp: now + 305 });
    expect(await errorOf(future)).toMatchObject({ status: 401, code: "stale_timestamp" });
  });

  it("rejects a replayed nonce", async () => {
    const nonce = createNonce();
    const timestamp = Math.floor(Date.now() / 1000);
    expect((await server.signed("/v1/stats", { nonce, timestamp })).status).toBe(200);
    const replay = await server.signed("/v1/stats", { nonce, timestamp });
    expect(await errorOf(replay)).toMatchObject({ status: 401, code: "replayed_nonce" });
  });

  it("rejects an unknown key and a wrong secret", async () => {
    const unknown = await server.signed("/v1/stats", { keyId: "nobody", secret: SECRETS.main });
    expect(await errorOf(unknown)).toMatchObject({ status: 401, code: "unknown_key" });
    const wrong = await server.signed("/v1/stats", { secret: SECRETS.support });
    expect(await errorOf(wrong)).toMatchObject({ status: 401, code: "signature_mismatch" });
  });

  it("accepts both secrets of a key during rotation", async () => {
    const oldSecret = await server.signed("/v1/stats", { keyId: "app-rotating", secret: SECRETS.rotatedOld });
    const newSecret = await server.signed("/v1/stats", { keyId: "app-rotating", secret: SECRETS.rotatedNew });
    expect([oldSecret.status, newSecret.status]).toEqual([200, 200]);
    // The request log says which secret matched, so operators see when nobody uses the old one any more.
    const secretIndexOf = async (response: Response) => {
      const requestId = response.headers.get("x-request-id") ?? "";
      let line: { secretIndex?: number } | undefined;
      await vi.waitFor(
        () => {
          line = capturedLogLines
            .map((text) => JSON.parse(text) as { requestId?: string; msg: string; secretIndex?: number })
            .find((entry) => entry.requestId === requestId && entry.msg === "request");
          expect(line).toBeDefined();
        },
        { timeout: 30_000 },
      );
      return line?.secretIndex;
    };
    expect(await secretIndexOf(oldSecret)).toBe(1);
    expect(await secretIndexOf(newSecret)).toBe(0);
  });

  it("counts signature failures by reason in /metrics", async () => {
    await fetch(`${server.url}/v1/stats`);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/promptreg_auth_failures_total\{reason="missing_headers"\} [1-9]/);
    expect(metrics).toMatch(/promptreg_auth_failures_total\{reason="signature_mismatch"\} [1-9]/);
  });

  it("answers 413 for a body over the limit", async () => {
    const response = await server.signed("/v1/render", {
      body: { ref: "x", input: { big: "y".repeat(5000) } },
    });
    expect(await errorOf(response)).toMatchObject({
      status: 413,
      type: "payload_too_large",
      code: "body_too_large",
    });
  });

  it("answers 400 for a signed body that is not JSON", async () => {
    const response = await server.signed("/v1/anything", { rawBody: '{"ref": "a",' });
    const error = await errorOf(response);
    expect(error).toMatchObject({ status: 400, type: "invalid_request", code: "invalid_json" });
    expect(error.message).toContain("not valid JSON");
  });
});

describe("rate limits", () => {
  it("answers 429 with Retry-After once a client's budget is spent", async () => {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await server.signed("/v1/stats", { keyId: "app-slow", secret: SECRETS.slow });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(last?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await errorOf(last as Response)).toMatchObject({ type: "rate_limited", code: "rate_limited" });
    // Other clients are unaffected.
    expect((await server.signed("/v1/stats")).status).toBe(200);
  });
});

describe("HTTP hygiene", () => {
  it("serves /healthz, /readyz and /openapi.json without a signature", async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { registry: "loading", gateway: "not_configured" } });
    const openapi = (await (await fetch(`${server.url}/openapi.json`)).json()) as { openapi: string };
    expect(openapi.openapi).toBe("3.1.0");
  });

  it("sets the security headers and a request id, and never shows a stack", async () => {
    const response = await fetch(`${server.url}/healthz`, { headers: { "x-request-id": "trace-123" } });
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    expect(response.headers.get("cross-origin-resource-policy")).toBe("same-origin");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("x-request-id")).toBe("trace-123");
    expect(response.headers.get("x-powered-by")).toBeNull();
    const notFound = await server.signed("/v1/nothing-here");
    const body = await notFound.text();
    expect(notFound.status).toBe(404);
    expect(body).not.toMatch(/at .*\.ts:\d+/);
    expect(JSON.parse(body)).toMatchObject({ error: { type: "not_found", code: "route_not_found" } });
  });
});

describe("logs", () => {
  it("log every request with id, route, status, truncated key id and no secrets", async () => {
    await server.signed("/v1/stats");
    const lines = capturedLogLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const request = lines.find(
      (line) => line.msg === "request" && line.route === "/v1/stats" && line.status === 200,
    );
    expect(request).toMatchObject({
      requestId: expect.any(String),
      latencyMs: expect.any(Number),
      keyId: "app-main",
    });
    const failure = lines.find((line) => line.errorCode === "signature_mismatch");
    expect(failure).toMatchObject({ status: 401, errorOrigin: "caller" });
    const all = capturedLogLines.join("");
    for (const secret of Object.values(SECRETS)) expect(all).not.toContain(secret);
    expect(sentSignatures.length).toBeGreaterThan(10);
    for (const signature of sentSignatures) expect(all).not.toContain(signature);
  });
});

describe("PROMPTREG_AUTH=off (development only)", () => {
  it("accepts unsigned requests as the anonymous client", async () => {
    const open = await startTestServer({ verifier: undefined });
    try {
      const response = await fetch(`${open.url}/v1/stats`);
      expect(response.status).toBe(200);
    } finally {
      await open.close();
    }
  });
});
