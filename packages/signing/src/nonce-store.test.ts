import { assertNonceStoreFollowsModel, fakeClock, nonceEntry } from "@promptreg/test-kit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidVerifyOptionsError } from "./errors/invalid-verify-options-error.js";
import { createMemoryNonceStore, type RememberNonceInput } from "./nonce-store.js";

const entry = (nonce: string, overrides: Partial<RememberNonceInput> = {}): RememberNonceInput =>
  nonceEntry(nonce, overrides);

describe("createMemoryNonceStore", () => {
  it("stores a nonce once, then reports it as replayed", async () => {
    const store = createMemoryNonceStore();
    expect(await store.seen("k", "n1")).toBe(false);
    expect(await store.remember(entry("n1"))).toEqual({ outcome: "stored" });
    expect(await store.seen("k", "n1")).toBe(true);
    expect(await store.remember(entry("n1"))).toEqual({ outcome: "replayed" });
  });

  it("scopes nonces per key id", async () => {
    const store = createMemoryNonceStore();
    expect(await store.remember(entry("n1", { keyId: "a" }))).toEqual({ outcome: "stored" });
    expect(await store.remember(entry("n1", { keyId: "b" }))).toEqual({ outcome: "stored" });
    expect(await store.seen("c", "n1")).toBe(false);
  });

  it("forgets a nonce once its TTL has passed, and drops expired entries", async () => {
    const c = fakeClock();
    const store = createMemoryNonceStore({ now: c.now });
    await store.remember(entry("n1"));
    c.advance(599_999);
    expect(await store.remember(entry("n1"))).toEqual({ outcome: "replayed" });
    await store.remember(entry("n2"));
    c.advance(1);
    expect(await store.seen("k", "n1")).toBe(false);
    expect(store.size).toBe(1);
    expect(await store.remember(entry("n1"))).toEqual({ outcome: "stored" });
  });

  it("refuses a new nonce when the key id's space is full, never dropping a live one", async () => {
    const c = fakeClock();
    const store = createMemoryNonceStore({ now: c.now });
    for (let i = 0; i < 3; i++) await store.remember(entry(`n${i}`, { capacity: 3 }));
    c.advance(100_000);
    expect(await store.remember(entry("n3", { capacity: 3 }))).toEqual({
      outcome: "full",
      retryAfterSeconds: 500,
    });
    // Every live nonce is still there, and the refused one was not stored.
    for (let i = 0; i < 3; i++)
      expect(await store.remember(entry(`n${i}`, { capacity: 3 }))).toEqual({ outcome: "replayed" });
    expect(await store.seen("k", "n3")).toBe(false);
    // Another key id has its own space.
    expect(await store.remember(entry("n3", { keyId: "other", capacity: 3 }))).toEqual({ outcome: "stored" });
    c.advance(500_000);
    expect(await store.remember(entry("n3", { capacity: 3 }))).toEqual({ outcome: "stored" });
  });

  it("expires by each entry's own TTL, whatever the insertion order", async () => {
    const c = fakeClock();
    const store = createMemoryNonceStore({ now: c.now });
    await store.remember(entry("long", { ttlSeconds: 10_000, capacity: 2 }));
    await store.remember(entry("short", { ttlSeconds: 1, capacity: 2 }));
    c.advance(2_000);
    // "short" expired although it was inserted after "long": the space has room again.
    expect(await store.remember(entry("new", { capacity: 2 }))).toEqual({ outcome: "stored" });
    expect(await store.remember(entry("long", { capacity: 2 }))).toEqual({ outcome: "replayed" });
  });

  it("agrees with a simple model of per-key spaces under any sequence of calls (property)", async () => {
    await assertNonceStoreFollowsModel({ createStore: (now) => createMemoryNonceStore({ now }) });
  });

  it("forgets each nonce exactly when its own TTL runs out, however many are live (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ ttlSeconds: fc.integer({ min: 1, max: 300 }), advanceMs: fc.nat(20_000) }), {
          maxLength: 300,
        }),
        (ops) => {
          const c = fakeClock();
          const { sync, sizeOf } = createMemoryNonceStore({ now: c.now });
          const expiries: number[] = [];
          ops.forEach(({ ttlSeconds, advanceMs }, index) => {
            const at = c.advance(advanceMs);
            expect(sync.remember(entry(`n${index}`, { ttlSeconds, capacity: 1_000 }))).toEqual({
              outcome: "stored",
            });
            expiries.push(at + ttlSeconds * 1000);
            expect(sizeOf("k")).toBe(expiries.filter((expiry) => expiry > at).length);
            const probe = Math.floor(index / 2);
            expect(sync.seen("k", `n${probe}`)).toBe(expiries[probe]! > at);
          });
        },
      ),
    );
  });

  it("answers through `sync` at once what the promises answer (property)", async () => {
    await assertNonceStoreFollowsModel({
      createStore: (now) => {
        const { sync } = createMemoryNonceStore({ now });
        return {
          seen: async (keyId, nonce) => sync.seen(keyId, nonce),
          remember: async (input) => sync.remember(input),
        };
      },
    });
  });

  it("keeps one memory behind `sync` and the promises", async () => {
    const store = createMemoryNonceStore();
    expect(store.sync.remember(entry("n1"))).toEqual({ outcome: "stored" });
    expect(await store.seen("k", "n1")).toBe(true);
    expect(await store.remember(entry("n1"))).toEqual({ outcome: "replayed" });
    await store.remember(entry("n2"));
    expect(store.sync.seen("k", "n2")).toBe(true);
    expect(store.sync.remember(entry("n2"))).toEqual({ outcome: "replayed" });
    expect(() => store.sync.remember(entry("n3", { capacity: 0 }))).toThrow(InvalidVerifyOptionsError);
  });

  it("bounds the number of key ids, reusing the room of key ids whose nonces all expired", async () => {
    const c = fakeClock();
    const store = createMemoryNonceStore({ now: c.now, maxKeyIds: 2 });
    await store.remember(entry("n", { keyId: "a", ttlSeconds: 1 }));
    await store.remember(entry("n", { keyId: "b" }));
    expect(await store.remember(entry("n", { keyId: "c" }))).toEqual({
      outcome: "full",
      retryAfterSeconds: 1,
    });
    c.advance(1_000);
    expect(await store.remember(entry("n", { keyId: "c" }))).toEqual({ outcome: "stored" });
    expect(store.sizeOf("b")).toBe(1);
    store.clear();
    expect(store.size).toBe(0);
  });

  it("rejects a non-positive bound or capacity", async () => {
    expect(() => createMemoryNonceStore({ maxKeyIds: 0 })).toThrow(InvalidVerifyOptionsError);
    await expect(createMemoryNonceStore().remember(entry("n", { capacity: 0 }))).rejects.toThrow(/capacity/);
  });
});
