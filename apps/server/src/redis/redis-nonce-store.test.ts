import { InvalidVerifyOptionsError, type RememberNonceInput } from "@promptreg/signing";
import {
  assertNonceStoreFollowsModel,
  fakeClock,
  nonceEntry,
  type RedisHandle,
  startRedis,
} from "@promptreg/test-kit";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SharedStateUnavailableError } from "../errors/shared-state-unavailable-error.js";
import { createRedisNonceStore } from "./redis-nonce-store.js";

// The memory store's rules (packages/signing/src/nonce-store.test.ts) against the Redis store on a real Redis, with
// a fake clock passed in: each test gets its own key prefix, so runs never see each other's nonces.
let redis: RedisHandle;
let client: Redis;
let run = 0;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url, { maxRetriesPerRequest: 0 });
});

afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

function store(now: () => number) {
  run++;
  return createRedisNonceStore({ client, keyPrefix: `${redis.keyPrefix}${run}:`, now });
}

const entry = (nonce: string, overrides: Partial<RememberNonceInput> = {}): RememberNonceInput =>
  nonceEntry(nonce, overrides);

describe("createRedisNonceStore", () => {
  it("stores a nonce once, then reports it as replayed, per key id", async () => {
    const nonces = store(fakeClock(1_000_000_000).now);
    expect(await nonces.seen("k", "n1")).toBe(false);
    expect(await nonces.remember(entry("n1"))).toEqual({ outcome: "stored" });
    expect(await nonces.seen("k", "n1")).toBe(true);
    expect(await nonces.remember(entry("n1"))).toEqual({ outcome: "replayed" });
    expect(await nonces.remember(entry("n1", { keyId: "other" }))).toEqual({ outcome: "stored" });
  });

  it("refuses a new nonce when the key id's space is full, never dropping a live one", async () => {
    const c = fakeClock(1_000_000_000);
    const nonces = store(c.now);
    for (let i = 0; i < 3; i++) await nonces.remember(entry(`n${i}`, { capacity: 3 }));
    c.advance(100_000);
    expect(await nonces.remember(entry("n3", { capacity: 3 }))).toEqual({
      outcome: "full",
      retryAfterSeconds: 500,
    });
    for (let i = 0; i < 3; i++)
      expect(await nonces.remember(entry(`n${i}`, { capacity: 3 }))).toEqual({ outcome: "replayed" });
    expect(await nonces.seen("k", "n3")).toBe(false);
    c.advance(500_000);
    expect(await nonces.remember(entry("n3", { capacity: 3 }))).toEqual({ outcome: "stored" });
  });

  it("agrees with the memory store's model of per-key spaces under any sequence of calls (property)", async () => {
    await assertNonceStoreFollowsModel({ createStore: (now) => store(now), numRuns: 60, maxOps: 40 });
  });

  it("lets Redis expire an idle key id's whole set with its newest nonce", async () => {
    const nonces = store(Date.now);
    await nonces.remember(entry("n1", { ttlSeconds: 600 }));
    const ttl = await client.pttl(`${redis.keyPrefix}${run}:nonces:k`);
    expect(ttl).toBeGreaterThan(500_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
  });

  it("refuses requests signed before its memory began (Redis restarted empty), and accepts them from then on", async () => {
    const c = fakeClock(2_000_000_500);
    const nonces = store(c.now);
    // The epoch is the first whole second after the memory began: a request signed in that second is refused.
    expect(await nonces.remember(entry("n1", { signedAtSeconds: 2_000_000 }))).toEqual({
      outcome: "signed_before_start",
      startedAtSeconds: 2_000_001,
    });
    expect(await nonces.remember(entry("n1", { signedAtSeconds: 2_000_001 }))).toEqual({ outcome: "stored" });
    // The epoch key lost (as in a restart): the memory begins again now, and earlier signatures are refused.
    c.advance(10_000);
    await client.del(`${redis.keyPrefix}${run}:nonces-epoch`, `${redis.keyPrefix}${run}:nonces:k`);
    expect(await nonces.remember(entry("n1", { signedAtSeconds: 2_000_005 }))).toEqual({
      outcome: "signed_before_start",
      startedAtSeconds: 2_000_011,
    });
  });

  it("rejects a non-positive capacity", async () => {
    await expect(store(fakeClock(1_000_000_000).now).remember(entry("n", { capacity: 0 }))).rejects.toThrow(
      InvalidVerifyOptionsError,
    );
  });

  it("fails closed with a typed error when Redis cannot be reached", async () => {
    const down = new Redis("redis://127.0.0.1:1", {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    down.on("error", () => {});
    const nonces = createRedisNonceStore({ client: down, keyPrefix: "unreachable:" });
    const seen = nonces.seen("k", "n").catch((error: unknown) => error);
    const remember = nonces.remember(entry("n")).catch((error: unknown) => error);
    for (const error of [await seen, await remember]) {
      expect(SharedStateUnavailableError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ status: 503, code: "shared_state_unavailable", store: "nonces" });
    }
    down.disconnect();
  });
});
