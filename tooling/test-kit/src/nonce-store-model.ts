import fc from "fast-check";
import { expect } from "vitest";

/** The part of `@promptreg/signing`'s NonceStore the model checks (structural, so test-kit needs no dependency). */
export interface ModelledNonceStore {
  seen(keyId: string, nonce: string): Promise<boolean>;
  remember(input: {
    keyId: string;
    nonce: string;
    ttlSeconds: number;
    capacity: number;
  }): Promise<{ outcome: string; retryAfterSeconds?: number }>;
}

/** A manual clock in milliseconds for stores that take `now`. */
export function fakeClock(start = 1_000_000): { now: () => number; advance: (ms: number) => number } {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** One `remember` input: key id "k", a 600 s TTL, room for 100, unless overridden. */
export function nonceEntry<T extends object>(
  nonce: string,
  overrides: T = {} as T,
): { keyId: string; nonce: string; ttlSeconds: number; capacity: number } & T {
  return { keyId: "k", nonce, ttlSeconds: 600, capacity: 100, ...overrides };
}

/**
 * The nonce rules every store must keep, checked against a simple model under random sequences of calls: one space
 * per key id, a live nonce is a replay, a full space refuses (never forgets a live nonce) with Retry-After until its
 * earliest expiry, each nonce expires by its own TTL. `createStore` gets the fake clock each run must use.
 */
export async function assertNonceStoreFollowsModel({
  createStore,
  numRuns = 200,
  maxOps = 60,
}: {
  createStore: (now: () => number) => ModelledNonceStore;
  numRuns?: number;
  maxOps?: number;
}): Promise<void> {
  const op = fc.record({
    keyId: fc.constantFrom("a", "b", "c"),
    nonce: fc.constantFrom("n1", "n2", "n3", "n4", "n5"),
    ttlSeconds: fc.integer({ min: 1, max: 30 }),
    advanceMs: fc.integer({ min: 0, max: 20_000 }),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.array(op, { maxLength: maxOps }),
      fc.integer({ min: 1, max: 4 }),
      async (ops, capacity) => {
        let t = 1_000_000_000;
        const store = createStore(() => t);
        const model = new Map<string, Map<string, number>>();
        for (const { keyId, nonce, ttlSeconds, advanceMs } of ops) {
          t += advanceMs;
          const live = new Map(
            [...(model.get(keyId) ?? new Map<string, number>())].filter(([, exp]) => exp > t),
          );
          model.set(keyId, live);
          const outcome = await store.remember({ keyId, nonce, ttlSeconds, capacity });
          if (live.has(nonce)) expect(outcome).toEqual({ outcome: "replayed" });
          else if (live.size >= capacity) {
            const earliest = Math.min(...live.values());
            expect(outcome).toEqual({
              outcome: "full",
              retryAfterSeconds: Math.max(1, Math.ceil((earliest - t) / 1000)),
            });
          } else {
            expect(outcome).toEqual({ outcome: "stored" });
            live.set(nonce, t + ttlSeconds * 1000);
          }
          expect(await store.seen(keyId, nonce)).toBe(live.has(nonce));
        }
      },
    ),
    { numRuns },
  );
}
