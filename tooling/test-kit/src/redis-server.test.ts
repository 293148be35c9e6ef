import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { type RedisHandle, startRedis } from "./redis-server.js";

const handles: RedisHandle[] = [];
const clients: Redis[] = [];

async function start(options: Parameters<typeof startRedis>[0]): Promise<RedisHandle> {
  const handle = await startRedis(options);
  handles.push(handle);
  return handle;
}

function connect(url: string): Redis {
  // No retries: a stopped server must show as an error at once, not as a command queued for later.
  const client = new Redis(url, {
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 10_000,
  });
  client.on("error", () => {});
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  // Shared handles first: they clean their keys on the dedicated servers started below them.
  for (const handle of handles.splice(0).reverse()) await handle.stop();
});

describe("startRedis", () => {
  it("starts a dedicated server that restarts empty on the same port and is gone once stopped", async () => {
    const redis = await start({ dedicated: true, env: {} });
    expect(redis.dedicated).toBe(true);
    expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    const before = connect(redis.url);
    await before.set(`${redis.keyPrefix}k`, "v");
    expect(await before.get(`${redis.keyPrefix}k`)).toBe("v");
    before.disconnect();

    await redis.restart();
    const after = connect(redis.url);
    // --save "" --appendonly no: nothing survives a restart, like the Redis of docker-compose and CI.
    expect(await after.get(`${redis.keyPrefix}k`)).toBeNull();
    after.disconnect();

    await redis.stop();
    await expect(connect(redis.url).ping()).rejects.toThrow();
    await redis.stop();
  });

  it("uses REDIS_URL with a key prefix per handle, and stop() deletes only that prefix", async () => {
    const server = await start({ dedicated: true, env: {} });
    const env = { REDIS_URL: server.url };
    const a = await start({ env });
    const b = await start({ env });
    expect(a.dedicated).toBe(false);
    expect(a.url).toBe(server.url);
    expect(a.keyPrefix).not.toBe(b.keyPrefix);

    const client = connect(server.url);
    for (let i = 0; i < 1200; i++) await client.set(`${a.keyPrefix}${i}`, "a");
    await client.set(`${b.keyPrefix}kept`, "b");
    await client.set("someone-else", "c");
    await a.stop();
    // 1200 keys: more than one SCAN page, all gone.
    expect(await client.keys(`${a.keyPrefix}*`)).toEqual([]);
    expect(await client.get(`${b.keyPrefix}kept`)).toBe("b");
    expect(await client.get("someone-else")).toBe("c");
    await expect(b.restart()).rejects.toThrow(/dedicated: true/);
  });

  it("starts a dedicated server that requires a password, which its URL carries", async () => {
    const redis = await start({ password: "p@ss word", env: { REDIS_URL: "redis://127.0.0.1:1" } });
    expect(redis.url).toMatch(/^redis:\/\/:p%40ss%20word@127\.0\.0\.1:\d+$/);
    expect(await connect(redis.url).ping()).toBe("PONG");
    await expect(connect(redis.url.replace(/:[^:@]*@/, "@")).ping()).rejects.toThrow(/NOAUTH/);
  });

  it("a persistent dedicated server keeps its data across restart()", async () => {
    const redis = await start({ dedicated: true, persistent: true, env: {} });
    const before = connect(redis.url);
    await before.set(`${redis.keyPrefix}k`, "kept");
    before.disconnect();
    await redis.restart();
    const after = connect(redis.url);
    expect(await after.get(`${redis.keyPrefix}k`)).toBe("kept");
    after.disconnect();
  });

  it("starts a dedicated server when asked, even with REDIS_URL set", async () => {
    const redis = await start({ dedicated: true, env: { REDIS_URL: "redis://127.0.0.1:1" } });
    expect(redis.url).not.toBe("redis://127.0.0.1:1");
    expect(await connect(redis.url).ping()).toBe("PONG");
  });
});
