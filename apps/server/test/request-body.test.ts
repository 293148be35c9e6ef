import { request as httpRequest, type IncomingMessage } from "node:http";
import { signRequest } from "@promptreg/signing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureRegistry, SECRETS, startTestServer, TEST_APP_CONFIG, type TestServer } from "./harness.js";

const config = { ...TEST_APP_CONFIG, bodyTimeoutMs: 300 };
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ config });
});
afterAll(async () => {
  await server.close();
});

interface RawAnswer {
  status: number;
  headers: IncomingMessage["headers"];
  body: { error: { type: string; code: string; message: string; details?: Record<string, unknown> } };
}

/**
 * Sends headers, then `body` (possibly less than the declared length), and keeps the request open: the answer must
 * come without the rest of the body ever being sent.
 */
function rawRequest(options: {
  to?: TestServer;
  method?: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Sent `afterMs` after `body`, in a write of its own. */
  rest?: { afterMs: number; text: string };
}): Promise<RawAnswer> {
  const url = new URL((options.to ?? server).url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? "POST",
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) });
        });
      },
    );
    req.on("error", reject);
    req.flushHeaders();
    if (options.body) req.write(options.body);
    const rest = options.rest;
    if (rest) setTimeout(() => req.write(rest.text), rest.afterMs);
  });
}

function signedHeaders(path: string, body: string, method = "POST") {
  return { ...signRequest({ keyId: "app-main", secret: SECRETS.main, method, pathAndQuery: path, body }) };
}

/** Signed headers of a JSON body sent whole: its type and length declared. */
function signedJsonHeaders(path: string, body: string) {
  return {
    ...signedHeaders(path, body),
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
  };
}

async function errorCount(labels: { origin: string; code?: string }, of = server) {
  const metric = await of.metrics.errors.get();
  return metric.values
    .filter((v) => v.labels.origin === labels.origin && (!labels.code || v.labels.code === labels.code))
    .reduce((sum, v) => sum + v.value, 0);
}

describe("the body is read only after the headers pass", () => {
  it("answers a declared Content-Length over the limit with 413 at once, without reading", async () => {
    const answer = await rawRequest({
      path: "/v1/render",
      headers: { "content-type": "application/json", "content-length": "10000000000" },
    });
    expect(answer.status).toBe(413);
    expect(answer.body.error).toMatchObject({ type: "payload_too_large", code: "body_too_large" });
    expect(answer.headers.connection).toBe("close");
  });

  it("answers an unsigned request 401 before its (slow) body arrives, never 504", async () => {
    const answer = await rawRequest({
      path: "/v1/render",
      headers: { "content-type": "application/json", "content-length": "100" },
      body: '{"ref":',
    });
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe("missing_headers");
    expect(answer.headers.connection).toBe("close");
  });

  it("answers a signed request whose body is too slow with 408, counted as a caller error", async () => {
    const body = JSON.stringify({ ref: "support/greet", input: { name: "Ada" } });
    const before = await errorCount({ origin: "upstream" });
    const answer = await rawRequest({
      path: "/v1/render",
      headers: {
        ...signedHeaders("/v1/render", body),
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(body)),
      },
      body: body.slice(0, 10),
    });
    expect(answer.status).toBe(408);
    expect(answer.body.error).toMatchObject({ type: "client_timeout", code: "body_timeout" });
    expect(answer.headers.connection).toBe("close");
    expect(await errorCount({ origin: "caller", code: "body_timeout" })).toBe(1);
    expect(await errorCount({ origin: "upstream" })).toBe(before);
  });

  it("answers 408, not 504, when the whole-request budget runs out while the body is still arriving", async () => {
    const short = await startTestServer({
      config: { ...config, bodyTimeoutMs: 60_000, requestTimeoutMs: 300 },
    });
    try {
      const body = JSON.stringify({ ref: "support/greet", input: {} });
      const answer = await rawRequest({
        to: short,
        path: "/v1/render",
        headers: {
          ...signedHeaders("/v1/render", body),
          "content-type": "application/json",
          "content-length": String(body.length),
        },
        body: body.slice(0, 5),
      });
      expect(answer.status).toBe(408);
      expect(await errorCount({ origin: "caller", code: "body_timeout" }, short)).toBe(1);
      expect(await errorCount({ origin: "upstream" }, short)).toBe(0);
    } finally {
      await short.close();
    }
  });

  it("admits a signed body that arrives in pieces after its headers, as one sent with them", async () => {
    const rendering = await startTestServer({ config, registry: await fixtureRegistry() });
    try {
      const body = JSON.stringify({ ref: "support/greet", input: { name: "Ada" } });
      const answer = await rawRequest({
        to: rendering,
        path: "/v1/render",
        headers: signedJsonHeaders("/v1/render", body),
        body: body.slice(0, 10),
        rest: { afterMs: 50, text: body.slice(10) },
      });
      expect(answer.status).toBe(200);
      expect(JSON.stringify(answer.body)).toContain("Ada");
    } finally {
      await rendering.close();
    }
  });

  it("answers a chunked body that grows past the limit with 413", async () => {
    const body = JSON.stringify({ ref: "x", input: { big: "y".repeat(5000) } });
    // No Content-Length: the limit is enforced while reading, and the rest of the body is never read.
    const answer = await rawRequest({
      path: "/v1/render",
      headers: {
        ...signedHeaders("/v1/render", body),
        "content-type": "application/json",
        "transfer-encoding": "chunked",
      },
      body,
    });
    expect(answer.status).toBe(413);
    expect(answer.body.error).toMatchObject({ code: "body_too_large", details: { limitBytes: 4096 } });
    expect(answer.headers.connection).toBe("close");
  });
});

describe("content types", () => {
  it("answers 415 for a signed POST whose body is not declared as JSON", async () => {
    const body = JSON.stringify({ ref: "support/greet", input: {} });
    for (const contentType of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/json; charset=latin1",
    ]) {
      const response = await server.signed("/v1/render", {
        rawBody: body,
        headers: { "content-type": contentType },
      });
      expect(response.status, contentType).toBe(415);
      expect(await response.json()).toMatchObject({
        error: { type: "unsupported_media_type", code: "unsupported_content_type" },
      });
    }
  });

  it("answers 415 for a non-empty POST body without a Content-Type", async () => {
    const body = JSON.stringify({ ref: "support/greet", input: {} });
    const answer = await rawRequest({
      path: "/v1/render",
      headers: { ...signedHeaders("/v1/render", body), "content-length": String(body.length) },
      body,
    });
    expect(answer.status).toBe(415);
  });

  it("accepts application/json with a UTF-8 charset, in any case", async () => {
    const body = JSON.stringify({ ref: "support/greet", input: {} });
    const response = await server.signed("/v1/render", {
      rawBody: body,
      headers: { "content-type": "Application/JSON; Charset=UTF-8" },
    });
    // No registry in this server: reaching 503 not_ready means the body was accepted and parsed.
    expect(await response.json()).toMatchObject({ error: { code: "not_ready" } });
  });
});

describe("paths", () => {
  it("answers 400 for bad percent-encoding in a path, not 500", async () => {
    for (const path of ["/v1/templates/%", "/v1/templates/a%zz", "/v1/templates/%C3%28"]) {
      const response = await server.signed(path);
      expect(response.status, path).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { type: "invalid_request", code: "invalid_path" },
      });
    }
    expect(await errorCount({ origin: "server", code: "internal_error" })).toBe(0);
  });
});
