import { describe, expect, it } from "vitest";
import { InvalidVerifyOptionsError } from "./errors/invalid-verify-options-error.js";
import { createMemoryNonceStore } from "./nonce-store.js";

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("createMemoryNonceStore", () => {
  it("accepts a nonce once, then reports it as seen", async () => {
    const store = createMemoryNonceStore();
    expect(await store.remember("k", "n1", 600)).toBe(true);
    expect(await store.remember("k", "n1", 600)).toBe(false);
  });

  it("scopes nonces per key id", async () => {
    const store = createMemoryNonceStore();
    expect(await store.remember("a", "n1", 600)).toBe(true);
    expect(await store.remember("b", "n1", 600)).toBe(true);
  });

  it("accepts a nonce again once its TTL has passed and evicts expired entries", async () => {
    const c = clock();
    const store = createMemoryNonceStore({ now: c.now });
    await store.remember("k", "n1", 600);
    c.advance(599_999);
    expect(await store.remember("k", "n1", 600)).toBe(false);
    await store.remember("k", "n2", 600);
    c.advance(1);
    // n1 expired exactly now; the sweep triggered by the next call removes it.
    expect(await store.remember("k", "n3", 600)).toBe(true);
    expect(store.size).toBe(2);
    expect(await store.remember("k", "n1", 600)).toBe(true);
  });

  it("never holds more than maxEntries, preferring to drop expired entries", async () => {
    const c = clock();
    const store = createMemoryNonceStore({ maxEntries: 3, now: c.now });
    await store.remember("k", "long", 10_000);
    await store.remember("k", "short", 1);
    await store.remember("k", "mid", 1_000);
    c.advance(2_000);
    // "short" is expired but not at the front: the full sweep finds it before evicting anything live.
    await store.remember("k", "new", 600);
    expect(store.size).toBe(3);
    expect(store.evictedUnexpired).toBe(0);
    expect(await store.remember("k", "long", 600)).toBe(false);
    await store.remember("k", "newer", 600);
    expect(store.size).toBe(3);
    expect(store.evictedUnexpired).toBe(1);
  });

  it("keeps a nonce re-remembered after expiry when its stale queue entry leaves", async () => {
    const c = clock();
    const store = createMemoryNonceStore({ now: c.now });
    await store.remember("k", "long", 100);
    await store.remember("k", "n1", 1);
    c.advance(2_000);
    // n1 expired but sits behind "long" in expiry order; remembering it again must start a fresh TTL.
    expect(await store.remember("k", "n1", 600)).toBe(true);
    c.advance(100_000);
    // "long" and n1's first entry expire now and are swept; n1's second entry must survive.
    expect(await store.remember("k", "n2", 600)).toBe(true);
    expect(await store.remember("k", "n1", 600)).toBe(false);
    expect(store.size).toBe(2);
  });

  it("stays bounded under many inserts, dropping the oldest live entries", async () => {
    const store = createMemoryNonceStore({ maxEntries: 100 });
    for (let i = 0; i < 5_000; i++) await store.remember("k", `n${i}`, 600);
    expect(store.size).toBe(100);
    expect(store.evictedUnexpired).toBe(4_900);
    expect(await store.remember("k", "n4900", 600)).toBe(false);
    expect(await store.remember("k", "n4899", 600)).toBe(true);
    store.clear();
    expect(store.size).toBe(0);
  });

  it("rejects a non-positive bound", () => {
    expect(() => createMemoryNonceStore({ maxEntries: 0 })).toThrow(InvalidVerifyOptionsError);
  });
});
