import { type RedisHandle, startRedis } from "@promptreg/test-kit";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SharedStateUnavailableError } from "../errors/shared-state-unavailable-error.js";
import type { RequestSample } from "../logic/stats-store.js";
import { createRedisStatsStore } from "./redis-stats-store.js";

let redis: RedisHandle;
let client: Redis;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url, { maxRetriesPerRequest: 0 });
});

afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

const sample = (at: number, route = "/v1/run"): RequestSample => ({
  at,
  route,
  status: 200,
  latencyMs: at % 97,
});

describe("createRedisStatsStore", () => {
  it("gives every replica the samples of all, oldest first, from `since` on", async () => {
    const keyPrefix = `${redis.keyPrefix}merge:`;
    const a = createRedisStatsStore({ client, keyPrefix, capacity: 1_000, flushIntervalMs: 50 });
    const other = new Redis(redis.url);
    const b = createRedisStatsStore({ client: other, keyPrefix, capacity: 1_000, flushIntervalMs: 50 });
    const now = Date.now();
    a.record(sample(now - 3_000, "/v1/run"));
    b.record(sample(now - 1_000, "/v1/render"));
    a.record(sample(now - 2_000, "/v1/templates"));
    await expect
      .poll(async () => (await b.since(now - 2_500)).map((s) => s.route), { timeout: 30_000 })
      .toEqual(["/v1/templates", "/v1/render"]);
    await expect
      .poll(async () => (await a.since(0)).map((s) => s.at), { timeout: 30_000 })
      .toEqual([now - 3_000, now - 2_000, now - 1_000]);
    await Promise.all([a.close(), b.close()]);
    other.disconnect();
  });

  it("stays bounded near its capacity whatever the traffic", async () => {
    const keyPrefix = `${redis.keyPrefix}bound:`;
    const stats = createRedisStatsStore({ client, keyPrefix, capacity: 1_000, flushIntervalMs: 50 });
    const now = Date.now();
    for (let i = 0; i < 5_000; i++) {
      stats.record(sample(now + i));
      if (i % 1_000 === 999) await stats.flush();
    }
    await expect.poll(async () => (await stats.since(0)).at(-1)?.at, { timeout: 30_000 }).toBe(now + 4_999);
    // MAXLEN ~ trims whole stream nodes (100 entries each by default): at most one node over.
    const length = await client.xlen(`${keyPrefix}stats`);
    expect(length).toBeGreaterThanOrEqual(1_000);
    expect(length).toBeLessThanOrEqual(1_100);
    await stats.close();
  });

  it("sums two replicas' samples exactly: each buffers its own and sends them at its interval and on close", async () => {
    const keyPrefix = `${redis.keyPrefix}sum:`;
    const other = new Redis(redis.url);
    // An interval longer than the test: nothing goes out before flush() or close().
    const a = createRedisStatsStore({ client, keyPrefix, capacity: 1_000, flushIntervalMs: 3_600_000 });
    const b = createRedisStatsStore({
      client: other,
      keyPrefix,
      capacity: 1_000,
      flushIntervalMs: 3_600_000,
    });
    const now = Date.now();
    for (let i = 0; i < 30; i++) a.record(sample(now + i, "/v1/run"));
    for (let i = 0; i < 20; i++) b.record(sample(now + i, "/v1/render"));
    expect(await a.since(0)).toEqual([]);
    await a.flush();
    expect(await b.since(0)).toHaveLength(30);
    b.record(sample(now + 99, "/v1/render"));
    await b.close();
    const all = await a.since(0);
    expect(all.filter((s) => s.route === "/v1/run")).toHaveLength(30);
    expect(all.filter((s) => s.route === "/v1/render")).toHaveLength(21);
    await a.close();
    expect(await a.since(0)).toHaveLength(51);
    other.disconnect();
  });

  it("keeps at most `capacity` unsent samples, the newest, while Redis does not take them", async () => {
    const keyPrefix = `${redis.keyPrefix}buffer:`;
    const stats = createRedisStatsStore({ client, keyPrefix, capacity: 10, flushIntervalMs: 3_600_000 });
    for (let i = 0; i < 25; i++) stats.record(sample(1_000 + i));
    await stats.close();
    expect((await stats.since(0)).map((s) => s.at)).toEqual(Array.from({ length: 10 }, (_, i) => 1_015 + i));
  });

  it("fails with a typed error when Redis cannot be reached, and recording never throws", async () => {
    const down = new Redis("redis://127.0.0.1:1", {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    down.on("error", () => {});
    const stats = createRedisStatsStore({
      client: down,
      keyPrefix: "unreachable:",
      capacity: 10,
      flushIntervalMs: 50,
    });
    expect(() => stats.record(sample(1))).not.toThrow();
    await expect(stats.flush()).resolves.toBeUndefined();
    const error = await stats.since(0).catch((thrown: unknown) => thrown);
    expect(SharedStateUnavailableError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 503, store: "stats" });
    await stats.close();
    down.disconnect();
  });
});
