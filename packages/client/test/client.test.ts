import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { rejectionOf, thrownBy } from "@promptreg/test-kit";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  AuthenticationError,
  ConnectionError,
  createClient,
  createSigningFetch,
  InvalidClientOptionsError,
  InvalidRequestError,
  InvalidResponseError,
  NotFoundError,
  PermissionDeniedError,
  PromptregError,
  RateLimitedError,
  RequestAbortedError,
  RequestTimeoutError,
  type RetryInfo,
  UpstreamError,
  WebCryptoUnavailableError,
} from "../src/index.js";
import {
  type FakeService,
  KEY_ID,
  RENDER_RESULT,
  RUN_RESULT,
  SECRET,
  sendJson,
  startFakeService,
} from "./fake-service.js";

let service: FakeService;

beforeEach(async () => {
  service = await startFakeService();
});

afterEach(async () => {
  await service.close();
});

function client(overrides: Partial<Parameters<typeof createClient>[0]> = {}) {
  return createClient({
    baseUrl: service.url,
    keyId: KEY_ID,
    secret: SECRET,
    retry: { baseDelayMs: 5 },
    ...overrides,
  });
}

const caught = (promise: Promise<unknown>) => rejectionOf(promise, PromptregError);

describe("render and run", () => {
  it("signs render requests that the real verifyRequest accepts and returns the response", async () => {
    service.setHandler((_call, res) => sendJson(res, 200, RENDER_RESULT));
    const result = await client().render("support/summarize@^1", { ticket: "Printer is on fire" });
    expect(result).toEqual(RENDER_RESULT);
    expect(service.rejected).toEqual([]);
    const [call] = service.calls;
    expect(call?.verify).toMatchObject({ ok: true, keyId: KEY_ID });
    expect(call?.pathAndQuery).toBe("/v1/render");
    expect(call?.json).toEqual({ ref: "support/summarize@^1", input: { ticket: "Printer is on fire" } });
    expect(call?.headers["content-type"]).toBe("application/json");
  });

  it("posts run requests and returns output, usage, cost and metadata", async () => {
    service.setHandler((_call, res) => sendJson(res, 200, RUN_RESULT));
    const result = await client().run("support/summarize@1.2.0", { ticket: "x" });
    expect(result).toEqual(RUN_RESULT);
    expect(service.calls[0]?.pathAndQuery).toBe("/v1/run");
    expect(service.calls[0]?.json).toEqual({ ref: "support/summarize@1.2.0", input: { ticket: "x" } });
  });

  it("signs the path as sent when baseUrl has a path prefix", async () => {
    service.setHandler((_call, res) => sendJson(res, 200, RENDER_RESULT));
    await client({ baseUrl: `${service.url}/promptreg/` }).render("a", {});
    expect(service.calls[0]?.pathAndQuery).toBe("/promptreg/v1/render");
    expect(service.rejected).toEqual([]);
  });

  it("signs non-ASCII input byte for byte", async () => {
    service.setHandler((_call, res) => sendJson(res, 200, RENDER_RESULT));
    await client().render("a", { text: "héllo ✓ 日本" });
    expect(service.rejected).toEqual([]);
    expect(service.calls[0]?.json.input).toEqual({ text: "héllo ✓ 日本" });
  });

  it("sends extra headers but never lets them replace signing headers", async () => {
    service.setHandler((_call, res) => sendJson(res, 200, RENDER_RESULT));
    await client({ headers: { "x-trace-id": "t-1", "X-Promptreg-Key": "someone-else" } }).render("a", {});
    expect(service.calls[0]?.headers["x-trace-id"]).toBe("t-1");
    expect(service.calls[0]?.headers["x-promptreg-key"]).toBe(KEY_ID);
  });
});

describe("error mapping", () => {
  it("maps a refused signature to AuthenticationError with the reason code, without retrying", async () => {
    const error = await caught(client({ secret: "not-the-right-secret-000" }).render("a", {}));
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 401, type: "authentication_error", code: "signature_mismatch" });
    expect(error.requestId).toBe("req-1");
    expect(error.message).toContain("req-1");
    expect(error.message).not.toContain("not-the-right-secret-000");
    expect(service.rejected).toHaveLength(1);
  });

  it.each([
    [400, InvalidRequestError, "invalid_request", "bad_json"],
    [403, PermissionDeniedError, "permission_error", "template_access_denied"],
    [404, NotFoundError, "not_found", "template_not_found"],
    [413, InvalidRequestError, "invalid_request", "body_too_large"],
    [422, InvalidRequestError, "validation_error", "input_invalid"],
    [500, UpstreamError, "internal_error", "internal"],
    [502, UpstreamError, "upstream_error", "gateway_failed"],
    [504, UpstreamError, "upstream_error", "gateway_timeout"],
    [409, PromptregError, "conflict", "conflict"],
  ] as const)("maps HTTP %i to %o and does not retry", async (status, ErrorClass, type, code) => {
    const details = { issues: [{ path: ["ticket"], message: "Required" }] };
    service.setHandler((_call, res) =>
      sendJson(res, status, { error: { type, code, message: "explained", details, requestId: "srv-9" } }),
    );
    const error = await caught(client().run("a", {}));
    expect(ErrorClass.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status, type, code, requestId: "srv-9", details });
    expect(error.message).toContain("explained");
    expect(service.calls).toHaveLength(1);
  });

  it("maps a non-JSON error page to a typed error with the header request id", async () => {
    service.setHandler((_call, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html>Bad gateway</html>");
    });
    const error = await caught(client().run("a", {}));
    expect(UpstreamError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 502, type: "http_error", code: "http_502", requestId: "req-1" });
    expect(error.message).toContain("Bad gateway");
  });

  it("rejects a 200 answer that is not JSON or not the documented shape", async () => {
    service.setHandler((_call, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html>login page</html>");
    });
    const notJson = await caught(client().render("a", {}));
    expect(InvalidResponseError.isInstance(notJson)).toBe(true);
    expect(notJson.code).toBe("invalid_json");
    service.setHandler((_call, res) => sendJson(res, 200, { hello: "world" }));
    const wrongShape = await caught(client().run("a", {}));
    expect(wrongShape.code).toBe("unexpected_shape");
  });
});

describe("retries", () => {
  it("retries 429 honouring Retry-After, signing each attempt with a fresh nonce", async () => {
    service.setHandler((_call, res, index) => {
      if (index < 2) {
        sendJson(
          res,
          429,
          { error: { type: "rate_limited", code: "rate_limited", message: "slow down", requestId: "r" } },
          {
            "retry-after": "0",
          },
        );
      } else sendJson(res, 200, RUN_RESULT);
    });
    const retries: RetryInfo[] = [];
    const result = await client({ retry: { onRetry: (info) => retries.push(info) } }).run("a", {});
    expect(result.text).toBe(RUN_RESULT.text);
    expect(service.calls).toHaveLength(3);
    expect(service.rejected).toEqual([]);
    const nonces = new Set(service.calls.map((c) => c.headers["x-promptreg-nonce"]));
    expect(nonces.size).toBe(3);
    expect(retries.map((r) => [r.attempt, r.status, r.retryAfterMs, r.delayMs])).toEqual([
      [1, 429, 0, 0],
      [2, 429, 0, 0],
    ]);
  });

  it("waits for a Retry-After given in seconds", async () => {
    service.setHandler((_call, res, index) => {
      if (index === 0)
        sendJson(
          res,
          503,
          { error: { type: "unavailable", code: "not_ready", message: "warming up", requestId: "r" } },
          { "retry-after": "1" },
        );
      else sendJson(res, 200, RENDER_RESULT);
    });
    const retries: RetryInfo[] = [];
    // The wait is read from a fake clock: the retry must not go out one millisecond before its delay has passed.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const pending = client({ retry: { onRetry: (info) => retries.push(info) } }).render("a", {});
      for (let turn = 0; retries.length === 0; turn++) {
        if (turn > 1_000_000) throw new Error("the client never scheduled a retry");
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const delayMs = retries[0]!.delayMs;
      expect(delayMs).toBeGreaterThanOrEqual(1000);
      expect(delayMs).toBeLessThanOrEqual(1100);
      await vi.advanceTimersByTimeAsync(delayMs - 1);
      expect(service.calls).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      await pending;
      expect(service.calls).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("reads Retry-After as the gateway client does: decimal seconds, and retry-after-ms first", async () => {
    const waits: Record<string, string>[] = [
      { "retry-after": "0.05" },
      { "retry-after-ms": "20", "retry-after": "9" },
    ];
    service.setHandler((_call, res, index) => {
      const headers = waits[index];
      if (headers)
        sendJson(
          res,
          429,
          { error: { type: "rate_limited", code: "rate_limited", message: "slow down", requestId: "r" } },
          headers,
        );
      else sendJson(res, 200, RENDER_RESULT);
    });
    const retries: RetryInfo[] = [];
    await client({ retry: { onRetry: (info) => retries.push(info) } }).render("a", {});
    expect(retries.map((r) => r.retryAfterMs)).toEqual([50, 20]);
    // What was asked plus at most 10% jitter.
    expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(50);
    expect(retries[0]?.delayMs).toBeLessThanOrEqual(55);
    expect(retries[1]?.delayMs).toBeGreaterThanOrEqual(20);
    expect(retries[1]?.delayMs).toBeLessThanOrEqual(22);
  });

  it("gives up after maxRetries and throws the last error", async () => {
    service.setHandler((_call, res) =>
      sendJson(res, 503, {
        error: { type: "unavailable", code: "upstream_unavailable", message: "down", requestId: "r" },
      }),
    );
    const error = await caught(client({ retry: { maxRetries: 3, baseDelayMs: 1 } }).run("a", {}));
    expect(UpstreamError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 503, code: "upstream_unavailable", isRetryable: true });
    expect(service.calls).toHaveLength(4);
  });

  it("does not wait when Retry-After exceeds maxDelayMs and reports it", async () => {
    service.setHandler((_call, res) =>
      sendJson(
        res,
        429,
        { error: { type: "rate_limited", code: "rate_limited", message: "quota", requestId: "r" } },
        {
          "retry-after": "120",
        },
      ),
    );
    const error = await caught(client({ retry: { maxDelayMs: 5_000 } }).run("a", {}));
    expect(RateLimitedError.isInstance(error)).toBe(true);
    expect((error as RateLimitedError).retryAfterMs).toBe(120_000);
    expect(service.calls).toHaveLength(1);
  });

  it("does not retry with maxRetries 0", async () => {
    service.setHandler((_call, res) =>
      sendJson(res, 429, { error: { type: "t", code: "rate_limited", message: "m", requestId: "r" } }),
    );
    await caught(client({ retry: { maxRetries: 0 } }).run("a", {}));
    expect(service.calls).toHaveLength(1);
  });

  it("stops waiting for a retry when the caller aborts", async () => {
    service.setHandler((_call, res) =>
      sendJson(
        res,
        503,
        { error: { type: "t", code: "c", message: "m", requestId: "r" } },
        { "retry-after": "5" },
      ),
    );
    const controller = new AbortController();
    const promise = client({ retry: { onRetry: () => setTimeout(() => controller.abort(), 10) } }).run(
      "a",
      {},
      { signal: controller.signal },
    );
    const error = await caught(promise);
    expect(RequestAbortedError.isInstance(error)).toBe(true);
    expect(service.calls).toHaveLength(1);
  });
});

describe("timeouts, aborts and connection failures", () => {
  it("times out an answer that never comes", async () => {
    service.setHandler(() => undefined);
    const error = await caught(client({ timeoutMs: 100 }).run("a", {}));
    expect(RequestTimeoutError.isInstance(error)).toBe(true);
    expect(error.code).toBe("timeout");
    expect(await service.calls[0]?.clientGone).toBe(true);
  });

  it("aborts an in-flight run through the caller's signal", async () => {
    service.setHandler(() => undefined);
    const controller = new AbortController();
    const promise = client().run("a", {}, { signal: controller.signal });
    while (service.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort(new Error("user left"));
    const error = await caught(promise);
    expect(RequestAbortedError.isInstance(error)).toBe(true);
    expect((error.cause as Error).message).toBe("user left");
    expect(await service.calls[0]?.clientGone).toBe(true);
  });

  it("rejects at once with an already-aborted signal", async () => {
    const error = await caught(client().run("a", {}, { signal: AbortSignal.abort() }));
    expect(RequestAbortedError.isInstance(error)).toBe(true);
    expect(service.calls).toHaveLength(0);
  });

  it("reports an unreachable service as ConnectionError", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await caught(client({ baseUrl: `http://127.0.0.1:${port}` }).render("a", {}));
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect(error.code).toBe("connection_failed");
    expect(error.message).toContain("/v1/render");
  });
});

describe("createClient options", () => {
  it.each([
    ["baseUrl", { baseUrl: "not a url" }],
    ["baseUrl", { baseUrl: "ftp://host" }],
    ["baseUrl", { baseUrl: "http://host/?x=1" }],
    ["keyId", { keyId: "has spaces" }],
    ["secret", { secret: "" }],
    ["timeoutMs", { timeoutMs: 0 }],
    ["retry.maxRetries", { retry: { maxRetries: -1 } }],
    ["retry.maxRetries", { retry: { maxRetries: 1.5 } }],
  ] as const)("rejects a bad %s", (option, patch) => {
    const error = thrownBy(() =>
      createClient({ baseUrl: "http://127.0.0.1:1", keyId: KEY_ID, secret: SECRET, ...patch }),
    );
    expect(InvalidClientOptionsError.isInstance(error)).toBe(true);
    expect((error as InvalidClientOptionsError).details).toEqual({ option });
    expect((error as Error).message).not.toContain(SECRET);
  });
});

describe("a runtime without Web Crypto", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("createClient and createSigningFetch refuse with web_crypto_unavailable when crypto.subtle is missing", () => {
    vi.stubGlobal("crypto", { getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) });
    const error = thrownBy(() => client(), WebCryptoUnavailableError);
    expect(error).toMatchObject({
      code: "web_crypto_unavailable",
      missing: "crypto.subtle",
      origin: "caller",
    });
    expect(error.message).not.toContain(SECRET);
    expect(() => createSigningFetch({ keyId: KEY_ID, secret: SECRET })).toThrow(WebCryptoUnavailableError);
  });
});
