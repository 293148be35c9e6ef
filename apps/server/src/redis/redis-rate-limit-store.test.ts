import { type RedisHandle, startRedis } from "@promptreg/test-kit";
import { Redis, type RedisOptions } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SharedStateUnavailableError } from "../errors/shared-state-unavailable-error.js";
import { createRedisRateLimitStore } from "./redis-rate-limit-store.js";

let redis: RedisHandle;
const clients: Redis[] = [];

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await redis?.stop();
});

function connect(url = redis.url, options: RedisOptions = {}) {
  const client = new Redis(url, { maxRetriesPerRequest: 0, ...options });
  client.on("error", () => {});
  clients.push(client);
  return client;
}

describe("createRedisRateLimitStore", () => {
  it("holds one budget per client across stores on separate connections (replicas), each client its own", async () => {
    await Promise.all([connect(), connect()].map((client) => client.ping()));
    const [one, two] = clients.map((client) =>
      createRedisRateLimitStore({ client, keyPrefix: redis.keyPrefix }),
    );
    const decisions = [];
    for (let i = 0; i < 5; i++)
      decisions.push(await (i % 2 === 0 ? one : two)!.take("app", { requestsPerMinute: 4 }));
    expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([
      [true, 3],
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(decisions[4]!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(decisions[4]!.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(await one!.take("other-app", { requestsPerMinute: 4 })).toMatchObject({
      allowed: true,
      remaining: 3,
    });
  });

  it("fails closed with a typed error when Redis cannot be reached", async () => {
    const down = connect("redis://127.0.0.1:1", {
      enableOfflineQueue: false,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    const limits = createRedisRateLimitStore({ client: down, keyPrefix: "unreachable:" });
    const error = await limits.take("app", { requestsPerMinute: 4 }).catch((thrown: unknown) => thrown);
    expect(SharedStateUnavailableError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 503, code: "shared_state_unavailable", store: "rate_limits" });
  });
});
