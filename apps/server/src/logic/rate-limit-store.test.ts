import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createMemoryRateLimitStore } from "./rate-limit-store.js";

describe("memory rate limit store", () => {
  it("allows a burst of the minute budget, then says when to retry", async () => {
    let now = 1_000_000;
    const store = createMemoryRateLimitStore({ now: () => now });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await store.take("a", { requestsPerMinute: 3 }));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[3]?.retryAfterSeconds).toBe(20);
    now += 20_000;
    expect((await store.take("a", { requestsPerMinute: 3 })).allowed).toBe(true);
    expect((await store.take("b", { requestsPerMinute: 3 })).allowed).toBe(true);
  });

  it("never allows more than capacity plus the refill over the elapsed time", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 120 }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 200 }),
        async (rpm, gaps) => {
          let now = 0;
          const store = createMemoryRateLimitStore({ now: () => now });
          let allowed = 0;
          for (const gap of gaps) {
            now += gap;
            if ((await store.take("k", { requestsPerMinute: rpm })).allowed) allowed++;
          }
          expect(allowed).toBeLessThanOrEqual(rpm + Math.floor((now * rpm) / 60_000) + 1);
        },
      ),
    );
  });

  it("holds at most maxKeys buckets, dropping the oldest when every client is busy", async () => {
    const store = createMemoryRateLimitStore({ now: () => 0, maxKeys: 2 });
    for (const key of ["a", "b", "c"])
      expect((await store.take(key, { requestsPerMinute: 1 })).allowed).toBe(true);
    // "a" was dropped to make room for "c" (memory stays bounded); "c" still has its spend recorded.
    expect((await store.take("c", { requestsPerMinute: 1 })).allowed).toBe(false);
    expect((await store.take("a", { requestsPerMinute: 1 })).allowed).toBe(true);
  });
});

describe("memory rate limit store's `sync` face", () => {
  it("charges the same bucket as `take`, at once", async () => {
    const store = createMemoryRateLimitStore({ now: () => 0 });
    const sync = store.sync;
    if (!sync) throw new Error("the memory store answers at once");
    expect(sync.take("a", { requestsPerMinute: 2 })).toEqual({
      allowed: true,
      remaining: 1,
      retryAfterSeconds: 0,
    });
    expect(await store.take("a", { requestsPerMinute: 2 })).toMatchObject({ allowed: true, remaining: 0 });
    expect(sync.take("a", { requestsPerMinute: 2 })).toEqual({
      allowed: false,
      remaining: 0,
      retryAfterSeconds: 30,
    });
  });
});
