import { InvalidVerifyOptionsError } from "./errors/invalid-verify-options-error.js";

/**
 * Remembers nonces so each is accepted once. Implementations must be atomic per (keyId, nonce): a Redis
 * implementation uses `SET key 1 NX EX ttl` and returns whether the SET happened.
 */
export interface NonceStore {
  /** Records the nonce; resolves true when it was new, false when it was already seen and not yet expired. */
  remember(keyId: string, nonce: string, ttlSeconds: number): Promise<boolean>;
}

export interface MemoryNonceStore extends NonceStore {
  /** Entries currently held (expired ones may linger until the next sweep). */
  readonly size: number;
  /** How many unexpired nonces were dropped because the store was full. Non-zero means maxEntries is too small. */
  readonly evictedUnexpired: number;
  clear(): void;
}

export interface MemoryNonceStoreOptions {
  /** Upper bound on remembered nonces. Default 100 000 (roughly 15 MB). */
  maxEntries?: number;
  /** Clock in milliseconds; defaults to Date.now. */
  now?: () => number;
}

export const DEFAULT_MAX_NONCE_ENTRIES = 100_000;

/**
 * A single-process nonce store: a Map for lookups plus an insertion-ordered queue for expiry. With one TTL for every
 * caller (what verifyRequest does) insertion order is expiry order, so expired entries leave from the queue's front
 * in amortised O(1) without timers. (A Map alone used as a queue degrades: V8 leaves deleted slots at its front
 * until the next rehash, so reaching the oldest entry gets slower and slower.) When full, the store sweeps every
 * expired entry at most once per `maxEntries` inserts, else drops the oldest entry (counted in `evictedUnexpired`).
 * Only requests with a valid signature reach the store, so filling it requires a valid credential.
 */
export function createMemoryNonceStore(options: MemoryNonceStoreOptions = {}): MemoryNonceStore {
  const { maxEntries = DEFAULT_MAX_NONCE_ENTRIES, now = Date.now } = options;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new InvalidVerifyOptionsError({
      option: "maxEntries",
      problem: `must be a positive integer (got ${maxEntries})`,
      fix: `Omit it for the default ${DEFAULT_MAX_NONCE_ENTRIES}.`,
    });
  }
  const expiries = new Map<string, number>();
  // Queue entries whose Map value no longer matches (swept, or re-remembered after expiry) are skipped when popped.
  let queue: Array<{ key: string; expiresAt: number }> = [];
  let head = 0;
  let evictedUnexpired = 0;
  let insertsSinceFullSweep = 0;

  /** Pops the queue front; returns whether it removed a live Map entry. */
  function popFront(): { removed: boolean; expiresAt: number } {
    const entry = queue[head]!;
    queue[head] = undefined as never;
    head += 1;
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    const current = expiries.get(entry.key);
    if (current !== entry.expiresAt) return { removed: false, expiresAt: entry.expiresAt };
    expiries.delete(entry.key);
    return { removed: true, expiresAt: entry.expiresAt };
  }

  return {
    async remember(keyId, nonce, ttlSeconds) {
      const at = now();
      // "\u0000" cannot appear in a key id or a base64url nonce, so the composite key is unambiguous.
      const key = `${keyId}\u0000${nonce}`;
      while (head < queue.length && queue[head]!.expiresAt <= at) popFront();
      const seen = expiries.get(key);
      if (seen !== undefined && seen > at) return false;
      if (seen === undefined && expiries.size >= maxEntries) {
        if (insertsSinceFullSweep >= maxEntries) {
          for (const [candidate, expiresAt] of expiries) {
            if (expiresAt <= at) expiries.delete(candidate);
          }
          insertsSinceFullSweep = 0;
        }
        while (expiries.size >= maxEntries && head < queue.length) {
          const { removed, expiresAt } = popFront();
          if (removed && expiresAt > at) evictedUnexpired += 1;
        }
      }
      const expiresAt = at + ttlSeconds * 1000;
      expiries.set(key, expiresAt);
      queue.push({ key, expiresAt });
      insertsSinceFullSweep += 1;
      return true;
    },
    get size() {
      return expiries.size;
    },
    get evictedUnexpired() {
      return evictedUnexpired;
    },
    clear() {
      expiries.clear();
      queue = [];
      head = 0;
    },
  };
}
