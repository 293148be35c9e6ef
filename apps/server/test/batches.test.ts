import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { verifyWebhook } from "@promptreg/client";
import { createMockGateway, type MockGateway } from "@promptreg/mock-gateway";
import { signRequest } from "@promptreg/signing";
import { type RedisHandle, startRedis } from "@promptreg/test-kit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../src/config.js";
import { createService, type Service } from "../src/service.js";
import {
  CLIENT_KEYS_YAML,
  capturingLogger,
  FIXTURE_TEMPLATES,
  GATEWAY_TEST_KEY,
  SECRETS,
  sentSignatures,
} from "./harness.js";

interface Running {
  service: Service;
  url: string;
  close(): Promise<void>;
}

let redis: RedisHandle;
let mock: MockGateway;
let dir: string;
const running: Running[] = [];

async function start(env: Record<string, string>): Promise<Running> {
  const config = loadConfig({
    env: {
      NODE_ENV: "test",
      PROMPTREG_TEMPLATES_DIR: FIXTURE_TEMPLATES,
      PROMPTREG_WATCH: "off",
      PROMPTREG_CLIENT_KEYS_FILE: path.join(dir, "clients.yaml"),
      GATEWAY_BASE_URL: mock.url,
      GATEWAY_API_KEY: GATEWAY_TEST_KEY,
      PROMPTREG_BATCH_MAX_ITEMS: "40",
      ...env,
    },
  });
  const service = await createService({ config, logger: capturingLogger("info"), publicUrl: "http://test" });
  const loaded = await service.registry.reload();
  if (!loaded.ok) throw loaded.error;
  const server: Server = service.app.listen(0, "127.0.0.1");
  await once(server, "listening");
  const handle: Running = {
    service,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await service.close();
    },
  };
  running.push(handle);
  // With Redis the nonce store refuses requests signed before the second it first saw this key prefix (its epoch,
  // docs/security.md); each service here has a prefix of its own, so wait for the next second before calling it.
  await new Promise((resolve) => setTimeout(resolve, 1_005 - (Date.now() % 1_000)));
  return handle;
}

function call(
  server: Running,
  pathAndQuery: string,
  {
    method = "GET",
    body,
    keyId = "app-main",
    secret = SECRETS.main,
    accept,
  }: { method?: string; body?: unknown; keyId?: string; secret?: string; accept?: string } = {},
): Promise<Response> {
  const text = body === undefined ? "" : JSON.stringify(body);
  const headers = signRequest({ keyId, secret, method, pathAndQuery, body: text });
  sentSignatures.push(headers["X-Promptreg-Signature"].slice(3));
  return fetch(server.url + pathAndQuery, {
    method,
    headers: {
      ...headers,
      ...(text ? { "content-type": "application/json" } : {}),
      ...(accept ? { accept } : {}),
    },
    body: text || undefined,
  });
}

const items = (n: number, ref = "support/greet@1") =>
  Array.from({ length: n }, (_, i) => ({ ref, input: { name: `user ${i}` }, metadata: { row: i } }));

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "promptreg-batches-"));
  await writeFile(path.join(dir, "clients.yaml"), CLIENT_KEYS_YAML);
  redis = await startRedis();
  mock = await createMockGateway({ port: 0 });
});

afterAll(async () => {
  for (const server of running.splice(0).reverse()) await server.close();
  await mock?.close();
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("batch endpoints through the real service, Redis and the mock gateway", () => {
  it("submit answers 202, status reaches completed with usage by dimension, results page by cursor and stream as NDJSON", async () => {
    const server = await start({ REDIS_URL: redis.url, PROMPTREG_REDIS_KEY_PREFIX: `${redis.keyPrefix}a:` });
    const submitted = await call(server, "/v1/batches", {
      method: "POST",
      keyId: "app-web",
      secret: SECRETS.web,
      body: { items: items(5), priority: "high", dimensions: { feature: "search" } },
    });
    expect(submitted.status).toBe(202);
    const created = (await submitted.json()) as { id: string; status: string };
    expect(submitted.headers.get("location")).toBe(`/v1/batches/${created.id}`);
    expect(created).toMatchObject({ status: "queued", priority: "high", counts: { total: 5 } });

    const status = await vi.waitFor(
      async () => {
        const body = (await (
          await call(server, `/v1/batches/${created.id}`, { keyId: "app-web", secret: SECRETS.web })
        ).json()) as { status: string; counts: { succeeded: number }; usage: { totalTokens: number } };
        if (body.status !== "completed") throw new Error(`still ${body.status}`);
        return body;
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(status).toMatchObject({ counts: { succeeded: 5, pending: 0 }, dimensions: { feature: "search" } });
    expect(status.usage.totalTokens).toBeGreaterThan(0);

    const pages: unknown[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const page = (await (
        await call(server, `/v1/batches/${created.id}/results${query}`, {
          keyId: "app-web",
          secret: SECRETS.web,
        })
      ).json()) as {
        items: { index: number; status: string; output: unknown; metadata: unknown }[];
        nextCursor: string | null;
      };
      pages.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toHaveLength(5);
    expect(pages[3]).toMatchObject({
      index: 3,
      status: "succeeded",
      metadata: { row: 3 },
      ref: "support/greet@1",
    });
    expect(typeof (pages[3] as { output: unknown }).output).toBe("string");

    const ndjson = await call(server, `/v1/batches/${created.id}/results`, {
      keyId: "app-web",
      secret: SECRETS.web,
      accept: "application/x-ndjson",
    });
    expect(ndjson.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const lines = (await ndjson.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { index: number });
    expect(lines.map((line) => line.index)).toEqual([0, 1, 2, 3, 4]);

    // The worker thread reports each item to the service's metrics right after recording it, so a scrape may
    // trail the batch's status by a moment.
    const metrics = await vi.waitFor(
      async () => {
        const text = await (await fetch(`${server.url}/metrics`)).text();
        if (!/promptreg_batch_items_total\{outcome="succeeded"\} 5\b/.test(text))
          throw new Error("not counted yet");
        return text;
      },
      { timeout: 30_000, interval: 50 },
    );
    expect(metrics).toMatch(/promptreg_batch_queue_depth 0/);
    expect(metrics).toMatch(/promptreg_tokens_total\{[^}]*client="app-web"[^}]*feature="search"/);
    expect(JSON.stringify(pages)).not.toContain(GATEWAY_TEST_KEY);
  });

  it("a client sees only its own batches, and DELETE cancels the items not started", async () => {
    // No worker here: every item is still waiting when the cancel arrives.
    const server = await start({
      REDIS_URL: redis.url,
      PROMPTREG_REDIS_KEY_PREFIX: `${redis.keyPrefix}b:`,
      PROMPTREG_BATCH_WORKER: "off",
    });
    const created = (await (
      await call(server, "/v1/batches", { method: "POST", body: { items: items(12) } })
    ).json()) as {
      id: string;
    };
    for (const [method, suffix] of [
      ["GET", ""],
      ["GET", "/results"],
      ["DELETE", ""],
    ] as const) {
      const foreign = await call(server, `/v1/batches/${created.id}${suffix}`, {
        method,
        keyId: "app-web",
        secret: SECRETS.web,
      });
      expect(foreign.status).toBe(404);
      expect(await foreign.json()).toMatchObject({ error: { code: "batch_not_found" } });
    }
    const cancelled = await call(server, `/v1/batches/${created.id}`, { method: "DELETE" });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({
      status: "cancelled",
      counts: { cancelled: 12, pending: 0 },
    });
    const results = (await (
      await call(server, `/v1/batches/${created.id}/results?limit=1`)
    ).json()) as unknown;
    expect(results).toMatchObject({ items: [{ index: 0, status: "cancelled" }], nextCursor: "1" });
  });

  it("refuses a bad submission with what and where: unknown template, template outside the allow-list, budget, body shape, cursor", async () => {
    const server = await start({
      REDIS_URL: redis.url,
      PROMPTREG_REDIS_KEY_PREFIX: `${redis.keyPrefix}c:`,
      PROMPTREG_BATCH_WORKER: "off",
    });
    const unknown = await call(server, "/v1/batches", {
      method: "POST",
      body: { items: [...items(2), { ref: "support/nope@1", input: {} }] },
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      error: { code: "template_not_found", details: { path: "items[2].ref" } },
    });
    const hidden = await call(server, "/v1/batches", {
      method: "POST",
      keyId: "app-support",
      secret: SECRETS.support,
      body: { items: [{ ref: "billing/explain-invoice@1", input: {} }] },
    });
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toMatchObject({ error: { details: { path: "items[0].ref" } } });
    const tooMany = await call(server, "/v1/batches", { method: "POST", body: { items: items(41) } });
    expect(tooMany.status).toBe(413);
    expect(await tooMany.json()).toMatchObject({
      error: {
        code: "batch_limit_exceeded",
        details: { limit: "maxItems", max: 40, variable: "PROMPTREG_BATCH_MAX_ITEMS" },
      },
    });
    const shape = await call(server, "/v1/batches", {
      method: "POST",
      body: { items: [{ input: {} }], priority: "now" },
    });
    expect(shape.status).toBe(400);
    const message = ((await shape.json()) as { error: { message: string } }).error.message;
    expect(message).toMatch(/items\.0\.ref/);
    expect(message).toMatch(/priority/);
    const created = (await (
      await call(server, "/v1/batches", { method: "POST", body: { items: items(1) } })
    ).json()) as {
      id: string;
    };
    const cursor = await call(server, `/v1/batches/${created.id}/results?cursor=7`);
    expect(cursor.status).toBe(400);
    expect(await cursor.json()).toMatchObject({ error: { code: "invalid_cursor" } });
  });

  it("takes a batch body larger than the general body limit, up to PROMPTREG_BATCH_BODY_LIMIT_BYTES", async () => {
    const server = await start({
      REDIS_URL: redis.url,
      PROMPTREG_REDIS_KEY_PREFIX: `${redis.keyPrefix}d:`,
      PROMPTREG_BATCH_WORKER: "off",
      PROMPTREG_BODY_LIMIT_BYTES: "1024",
      PROMPTREG_BATCH_BODY_LIMIT_BYTES: "8192",
    });
    const body = { items: items(30) };
    expect(JSON.stringify(body).length).toBeGreaterThan(1024);
    expect((await call(server, "/v1/batches", { method: "POST", body })).status).toBe(202);
    const run = await call(server, "/v1/render", {
      method: "POST",
      body: { ref: "support/greet@1", input: { name: "x".repeat(1200) } },
    });
    expect(run.status).toBe(413);
    const huge = await call(server, "/v1/batches", {
      method: "POST",
      body: { items: items(40).map((item) => ({ ...item, metadata: { pad: "y".repeat(300) } })) },
    });
    expect(huge.status).toBe(413);
  });

  it("sends a signed batch.completed webhook to callbackUrl when the batch finishes, retrying after a 503", async () => {
    const server = await start({ REDIS_URL: redis.url, PROMPTREG_REDIS_KEY_PREFIX: `${redis.keyPrefix}w:` });
    const received: { status: number; path: string; headers: IncomingHttpHeaders; body: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => {
        body += String(chunk);
      });
      req.on("end", () => {
        // The first delivery attempt fails; the sender must retry with the same delivery id.
        const status = received.length === 0 ? 503 : 200;
        received.push({ status, path: req.url ?? "", headers: req.headers, body });
        res.writeHead(status).end();
      });
    });
    receiver.listen(0, "127.0.0.1");
    await once(receiver, "listening");
    try {
      const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/promptreg?team=a`;
      const submitted = await call(server, "/v1/batches", {
        method: "POST",
        body: { items: items(3), callbackUrl },
      });
      const { id } = (await submitted.json()) as { id: string };
      await vi.waitFor(
        () => {
          if (received.length < 2) throw new Error(`${received.length} deliveries`);
        },
        { timeout: 30_000, interval: 100 },
      );
      expect(received.map((r) => r.status)).toEqual([503, 200]);
      const verified = await Promise.all(
        received.map((r) =>
          verifyWebhook<{ id: string; status: string; counts: { succeeded: number } }>({
            pathAndQuery: r.path,
            headers: r.headers,
            body: r.body,
            keyId: "app-main",
            secrets: SECRETS.main,
          }),
        ),
      );
      expect(verified.map((v) => v.id)).toEqual([id, id]);
      expect(verified[1]).toMatchObject({
        type: "batch.completed",
        data: { id, status: "completed", counts: { succeeded: 3 } },
      });
      // Signed with the batch owner's credential: another client's secret does not verify it.
      await expect(
        verifyWebhook({
          pathAndQuery: received[1]!.path,
          headers: received[1]!.headers,
          body: received[1]!.body,
          keyId: "app-main",
          secrets: SECRETS.web,
        }),
      ).rejects.toThrow();
    } finally {
      receiver.close();
    }
  });

  it("without REDIS_URL every batch endpoint answers 501 batches_not_configured, saying how to enable them", async () => {
    const server = await start({});
    for (const [method, route, body] of [
      ["POST", "/v1/batches", { items: items(1) }],
      ["GET", "/v1/batches/batch_x", undefined],
      ["GET", "/v1/batches/batch_x/results", undefined],
      ["DELETE", "/v1/batches/batch_x", undefined],
    ] as const) {
      const answer = await call(server, route, { method, body });
      expect(answer.status).toBe(501);
      const error = ((await answer.json()) as { error: { type: string; code: string; message: string } })
        .error;
      expect(error.type).toBe("not_implemented");
      expect(error.code).toBe("batches_not_configured");
      expect(error.message).toMatch(/REDIS_URL/);
    }
  });
});
