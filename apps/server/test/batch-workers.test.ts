import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createBatchStore } from "@promptreg/batches";
import { verifyWebhook } from "@promptreg/client";
import { createMockGateway, type MockGateway } from "@promptreg/mock-gateway";
import { type RedisHandle, type ServerProcess, startRedis, startWorkerProcess } from "@promptreg/test-kit";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CLIENT_KEYS_YAML, FIXTURE_TEMPLATES, GATEWAY_TEST_KEY, SECRETS } from "./harness.js";

let redisHandle: RedisHandle;
let redis: Redis;
let mock: MockGateway;
let dir: string;
const workers: ServerProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "promptreg-workers-"));
  // The client credentials: a worker signs a batch's webhook with its owner's.
  await writeFile(path.join(dir, "clients.yaml"), CLIENT_KEYS_YAML);
  redisHandle = await startRedis();
  redis = new Redis(redisHandle.url, { maxRetriesPerRequest: null });
  // Each call takes a while, so a worker killed at any moment has items in flight.
  mock = await createMockGateway({ port: 0, latencyMs: { firstByte: 400 } });
});

afterAll(async () => {
  for (const worker of workers) await worker.kill();
  redis?.disconnect();
  await mock?.close();
  await redisHandle?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function worker(): Promise<ServerProcess> {
  return startWorkerProcess({
    env: {
      REDIS_URL: redisHandle.url,
      PROMPTREG_REDIS_KEY_PREFIX: redisHandle.keyPrefix,
      PROMPTREG_TEMPLATES_DIR: FIXTURE_TEMPLATES,
      PROMPTREG_CLIENT_KEYS_FILE: path.join(dir, "clients.yaml"),
      PROMPTREG_WATCH: "off",
      GATEWAY_BASE_URL: mock.url,
      GATEWAY_API_KEY: GATEWAY_TEST_KEY,
      PROMPTREG_BATCH_CONCURRENCY: "4",
      // A dead worker's items are taken over after about this long.
      PROMPTREG_BATCH_LOCK_MS: "2000",
      LOG_LEVEL: "warn",
    },
  }).then((started) => {
    workers.push(started);
    return started;
  });
}

describe("pnpm worker processes", () => {
  it("a worker killed with SIGKILL mid-batch: another finishes it, every item has exactly one result, the gateway billed each once", async () => {
    const batches = createBatchStore({ redis, keyPrefix: redisHandle.keyPrefix });
    try {
      const items = Array.from({ length: 30 }, (_, i) => ({
        ref: "support/greet@1",
        input: { name: `k${i}` },
      }));
      const { id } = await batches.submit({ owner: "app-main", items });
      const first = await worker();
      if (process.platform === "linux") {
        // Batch work yields the CPU: the process runs its items at PROMPTREG_BATCH_WORKER_NICE (default 10). Field 19
        // of /proc/<pid>/stat, counted after the command name's closing parenthesis.
        const stat = await readFile(`/proc/${first.child.pid}/stat`, "utf8");
        expect(Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16])).toBe(10);
      }
      const requestsFor = () =>
        Object.entries(mock.stats().requestsByKey).filter(([key]) => key.startsWith(`promptreg-${id}-`));

      // Kill it while the gateway has received calls whose results are not written yet: items truly in flight.
      await vi.waitFor(
        async () => {
          const status = await batches.status("app-main", id);
          const done = status.counts.total - status.counts.pending;
          if (done < 4 || requestsFor().length <= done) throw new Error("no item in flight yet");
        },
        { timeout: 30_000, interval: 20 },
      );
      first.child.kill("SIGKILL");
      await first.exited();
      const atKill = await batches.status("app-main", id);
      expect(atKill.counts.pending).toBeGreaterThan(0);

      const second = await worker();
      const status = await vi.waitFor(
        async () => {
          const current = await batches.status("app-main", id);
          if (current.counts.pending > 0) throw new Error(`${current.counts.pending} pending`);
          return current;
        },
        { timeout: 30_000, interval: 200 },
      );
      expect(status.counts).toMatchObject({ total: 30, succeeded: 30, failed: 0, cancelled: 0 });
      const results = (await batches.results("app-main", id)).items;
      expect(results.map((r) => r.index)).toEqual(items.map((_, i) => i));
      // Billed once: the batch's totals are the sum of exactly one result per item.
      const sum = results.reduce(
        (total, r) => total + (r.status === "succeeded" ? r.usage.totalTokens : 0),
        0,
      );
      expect(status.usage.totalTokens).toBe(sum);
      // Some item was asked twice (once by the killed worker, once by the second) under the same idempotency key.
      const requests = requestsFor();
      expect(requests).toHaveLength(30);
      expect(requests.some(([, count]) => count === 2)).toBe(true);
      expect(requests.every(([, count]) => count <= 2)).toBe(true);
      // ... and the gateway charged each item once. A re-asked item whose first call had been answered before the
      // kill is a replay of that reply; one whose first call was still waiting for its reply was never charged, and
      // its second call is its only charge. Which of the two happened depends on when the kill landed.
      const askedTwice = requests.filter(([, count]) => count === 2).length;
      expect(mock.stats().billed).toBe(30);
      expect(mock.stats().replays).toBeLessThanOrEqual(askedTwice);

      // The worker's own endpoint: what it ran is counted in its metrics (no other process has them), and it is
      // ready with the service's checks.
      const ready = await fetch(`${second.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({
        status: "ready",
        checks: { registry: "ok", gateway: "ok", lifecycle: "ok", redis: "ok", batches: "ok" },
      });
      expect((await fetch(`${second.url}/healthz`)).status).toBe(200);
      const metrics = await (await fetch(`${second.url}/metrics`)).text();
      const counted = Number(/promptreg_batch_items_total\{outcome="succeeded"\} (\d+)/.exec(metrics)?.[1]);
      expect(counted).toBeGreaterThan(0);
      expect(counted).toBeLessThanOrEqual(30);
      expect(metrics).toMatch(
        /gen_ai_client_operation_duration_seconds_count\{[^}]*template="support\/greet"/,
      );
      expect(metrics).toMatch(/promptreg_tokens_total\{[^}]*client="app-main"/);
      expect((await fetch(`${second.url}/v1/render`)).status).toBe(404);
      const post = await fetch(`${second.url}/metrics`, { method: "POST" });
      expect([post.status, post.headers.get("allow")]).toEqual([405, "GET, HEAD"]);
    } finally {
      await batches.close();
    }
  });

  it("a worker killed while it delivers the completion webhook: another worker delivers it, once, verified", async () => {
    // Only the workers of this test run: the first takes the batch and is killed mid-delivery.
    for (const running of workers.splice(0)) await running.kill();
    const received: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
    // The first delivery never gets an answer (the worker is killed while it waits); later ones get 200.
    const receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => {
        body += String(chunk);
      });
      req.on("end", () => {
        received.push({ path: req.url ?? "", headers: req.headers, body });
        if (received.length > 1) res.writeHead(200).end();
      });
    });
    receiver.listen(0, "127.0.0.1");
    await once(receiver, "listening");
    const batches = createBatchStore({ redis, keyPrefix: redisHandle.keyPrefix });
    try {
      const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
      const first = await worker();
      const { id } = await batches.submit({
        owner: "app-main",
        items: [{ ref: "support/greet@1", input: { name: "hook" } }],
        callbackUrl,
      });
      await vi.waitFor(
        () => {
          if (received.length === 0) throw new Error("no delivery yet");
        },
        { timeout: 30_000, interval: 50 },
      );
      first.child.kill("SIGKILL");
      await first.exited();

      await worker();
      await vi.waitFor(
        () => {
          if (received.length < 2) throw new Error("not delivered again yet");
        },
        { timeout: 30_000, interval: 100 },
      );
      const verified = await Promise.all(
        received.map((r) =>
          verifyWebhook<{ id: string; status: string }>({
            pathAndQuery: r.path,
            headers: r.headers,
            body: r.body,
            keyId: "app-main",
            secrets: SECRETS.main,
          }),
        ),
      );
      // One delivery id, the batch's: a receiver that saw the first attempt can drop the second.
      expect(verified.map((v) => v.id)).toEqual([id, id]);
      expect(verified[1]).toMatchObject({ type: "batch.completed", data: { id, status: "completed" } });
      expect(received).toHaveLength(2);
    } finally {
      await batches.close();
      receiver.closeAllConnections();
      receiver.close();
    }
  });
});
