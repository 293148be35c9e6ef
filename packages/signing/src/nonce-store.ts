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
 * A single-process nonce store. Entries live in insertion order, which is expiry order when every caller uses
 * the same TTL, so expired entries are swept from the front in amortised O(1) without timers. When full it
 * first sweeps everything expired, then drops the oldest entry (counted in `evictedUnexpired`). Only requests
 * with a valid signature reach the store, so filling it requires a valid credential.
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
  let evictedUnexpired = 0;

  function sweepFront(at: number): void {
    for (const [key, expiresAt] of expiries) {
      if (expiresAt > at) return;
      expiries.delete(key);
    }
  }

  function sweepAll(at: number): void {
    for (const [key, expiresAt] of expiries) {
      if (expiresAt <= at) expiries.delete(key);
    }
  }

  return {
    async remember(keyId, nonce, ttlSeconds) {
      const at = now();
      // "\u0000" cannot appear in a key id or a base64url nonce, so the composite key is unambiguous.
      const key = `${keyId}\u0000${nonce}`;
      sweepFront(at);
      const seen = expiries.get(key);
      if (seen !== undefined && seen > at) return false;
      expiries.delete(key);
      if (expiries.size >= maxEntries) {
        sweepAll(at);
        while (expiries.size >= maxEntries) {
          const oldest = expiries.keys().next().value as string;
          expiries.delete(oldest);
          evictedUnexpired += 1;
        }
      }
      expiries.set(key, at + ttlSeconds * 1000);
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
    },
  };
}
