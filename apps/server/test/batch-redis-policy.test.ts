import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createMockGateway, type MockGateway } from "@promptreg/mock-gateway";
import { type RedisHandle, startRedis } from "@promptreg/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { createService } from "../src/service.js";
import { capturedLogLines, capturingLogger, FIXTURE_TEMPLATES, GATEWAY_TEST_KEY } from "./harness.js";

// BullMQ keeps jobs in plain keys: a Redis that may evict them must not take batches. Real redis-servers, one per
// configuration, started with the flags under test.
let mock: MockGateway;
const redises: RedisHandle[] = [];
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  mock = await createMockGateway({ port: 0 });
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  for (const redis of redises) await redis.stop();
  await mock?.close();
});

async function readyz(serverArgs: string[]): Promise<{ status: number; body: Record<string, unknown> }> {
  const redis = await startRedis({ serverArgs });
  redises.push(redis);
  const config = loadConfig({
    env: {
      NODE_ENV: "test",
      PROMPTREG_TEMPLATES_DIR: FIXTURE_TEMPLATES,
      PROMPTREG_WATCH: "off",
      GATEWAY_BASE_URL: mock.url,
      GATEWAY_API_KEY: GATEWAY_TEST_KEY,
      REDIS_URL: redis.url,
      PROMPTREG_REDIS_KEY_PREFIX: redis.keyPrefix,
      PROMPTREG_BATCH_WORKER: "off",
    },
  });
  const service = await createService({ config, logger: capturingLogger("info"), publicUrl: "http://test" });
  const loaded = await service.registry.reload();
  if (!loaded.ok) throw loaded.error;
  const server: Server = service.app.listen(0, "127.0.0.1");
  await once(server, "listening");
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await service.close();
  });
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("the batch queue's Redis must never evict (maxmemory-policy)", () => {
  it("allkeys-lru: /readyz is 503 with checks.batches redis_eviction_policy and a reason naming the setting", async () => {
    const { status, body } = await readyz(["--maxmemory-policy", "allkeys-lru"]);
    expect(status).toBe(503);
    expect(body).toMatchObject({
      status: "not_ready",
      checks: { redis: "ok", batches: "redis_eviction_policy" },
    });
    const reason = (body.reasons as { batches: string }).batches;
    expect(reason).toContain("maxmemory-policy");
    expect(reason).toContain('"allkeys-lru"');
    expect(reason).toContain("noeviction");
    expect(capturedLogLines.some((line) => line.includes("batch queue Redis may evict keys"))).toBe(true);
  });

  it("noeviction: ready", async () => {
    const { status, body } = await readyz(["--maxmemory-policy", "noeviction"]);
    expect(status).toBe(200);
    expect(body).toMatchObject({ checks: { redis: "ok", batches: "ok" } });
  });

  it("CONFIG disabled (managed Redis): ready, with a warning that the policy cannot be read", async () => {
    const { status, body } = await readyz(["--rename-command", "CONFIG", ""]);
    expect(status).toBe(200);
    expect(body).toMatchObject({ checks: { batches: "ok" } });
    expect(
      capturedLogLines.some((line) =>
        line.includes("maxmemory-policy cannot be read; make sure it is noeviction"),
      ),
    ).toBe(true);
  });
});
