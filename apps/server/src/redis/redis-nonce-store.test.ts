import {
  createMemoryNonceStore,
  InvalidVerifyOptionsError,
  type RememberNonceInput,
} from "@promptreg/signing";
import {
  assertNonceStoreFollowsModel,
  fakeClock,
  nonceEntry,
  type RedisHandle,
  startRedis,
} from "@promptreg/test-kit";
import fc from "fast-check";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SharedStateUnavailableError } from "../errors/shared-state-unavailable-error.js";
import { createMemoryRateLimitStore } from "../logic/rate-limit-store.js";
import { createRedisNonceStore } from "./redis-nonce-store.js";
import { createRedisRateLimitStore } from "./redis-rate-limit-store.js";

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

// One client per store, as the service makes them: a store listens for its client's "ready" (to record the epoch
// after a reconnection), so the property tests' dozens of stores on one client passed Node's listener limit.
const storeClients: Redis[] = [];

afterEach(() => {
  for (const own of storeClients.splice(0)) own.disconnect();
});

function store(now: () => number) {
  run++;
  const own = client.duplicate();
  storeClients.push(own);
  return createRedisNonceStore({ client: own, keyPrefix: `${redis.keyPrefix}${run}:`, now });
}

const admission = (
  nonce: string,
  requestsPerMinute: number,
  overrides: Partial<RememberNonceInput> = {},
) => ({
  ...entry(nonce, overrides),
  signedAtSeconds: 2_000_000_000,
  requestsPerMinute,
});

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

  it("admit: a replay is refused uncharged; over budget, the request is refused and its nonce not stored", async () => {
    const nonces = store(fakeClock(1_000_000_000).now);
    expect(await nonces.admit(admission("n1", 2))).toEqual({
      step: "charged",
      limit: { allowed: true, remaining: 1, retryAfterSeconds: 0 },
      stored: { outcome: "stored" },
    });
    expect(await nonces.admit(admission("n1", 2))).toEqual({ step: "replayed" });
    expect(await nonces.admit(admission("n2", 2))).toMatchObject({
      step: "charged",
      limit: { remaining: 0 },
    });
    const refused = await nonces.admit(admission("n3", 2));
    expect(refused).toMatchObject({ step: "rate_limited", limit: { allowed: false, remaining: 0 } });
    if (refused.step !== "rate_limited") throw new Error("unreachable");
    expect(refused.limit.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.limit.retryAfterSeconds).toBeLessThanOrEqual(60);
    // Not stored: resent once the window has passed, it would be accepted.
    expect(await nonces.seen("k", "n3")).toBe(false);
    // A replay of an accepted request is still refused as a replay, not as rate-limited, and costs nothing.
    expect(await nonces.admit(admission("n2", 2))).toEqual({ step: "replayed" });
  });

  it("admit charges the same counter as the rate-limit store (rate-limiter-flexible), shared by both paths", async () => {
    const nonces = store(fakeClock(1_000_000_000).now);
    const limits = createRedisRateLimitStore({ client, keyPrefix: `${redis.keyPrefix}${run}:` });
    await nonces.admit(admission("n1", 5));
    await nonces.admit(admission("n2", 5));
    expect(await limits.take("k", { requestsPerMinute: 5 })).toEqual({
      allowed: true,
      remaining: 2,
      retryAfterSeconds: 0,
    });
    expect(await nonces.admit(admission("n3", 5))).toMatchObject({
      step: "charged",
      limit: { remaining: 1 },
    });
    // Another budget size is another counter, as with the limiter's per-size key prefix.
    expect(await nonces.admit(admission("n4", 7))).toMatchObject({ limit: { remaining: 6 } });
  });

  it("admit in one step answers as the memory stores' seen, take, remember in turn (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.constantFrom("a", "b", "c", "d", "e", "f", "g"), { maxLength: 14 }),
        async (requestsPerMinute, capacity, sequence) => {
          const clock = fakeClock(1_000_000_000);
          const redisStore = store(clock.now);
          // A still clock: the token bucket does not refill, so it counts like one fixed window.
          const memoryNonces = createMemoryNonceStore({ now: clock.now });
          const memoryLimits = createMemoryRateLimitStore({ now: clock.now });
          for (const nonce of sequence) {
            const input = admission(nonce, requestsPerMinute, { capacity });
            const got = await redisStore.admit(input);
            let expected: string;
            if (await memoryNonces.seen("k", nonce)) expected = "replayed";
            else {
              const limit = await memoryLimits.take("k", { requestsPerMinute });
              expected = limit.allowed
                ? `charged:${limit.remaining}:${(await memoryNonces.remember(input)).outcome}`
                : "rate_limited";
            }
            const actual =
              got.step === "charged" ? `charged:${got.limit.remaining}:${got.stored.outcome}` : got.step;
            expect(actual).toBe(expected);
          }
        },
      ),
      { numRuns: 40 },
    );
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
    const admit = nonces.admit(admission("n", 5)).catch((error: unknown) => error);
    for (const error of [await seen, await remember, await admit]) {
      expect(SharedStateUnavailableError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ status: 503, code: "shared_state_unavailable", store: "nonces" });
    }
    down.disconnect();
  });
});
