import { InvalidVerifyOptionsError } from "./errors/invalid-verify-options-error.js";

/** What the store did with one nonce. */
export type RememberOutcome =
  | { outcome: "stored" }
  /** The nonce is already live for this key id: a replay. */
  | { outcome: "replayed" }
  /**
   * The key id's nonce space holds `capacity` live nonces: the nonce was NOT stored and the request must be
   * refused. Never forgetting a live nonce is what keeps a full store from re-opening a replay window.
   * `retryAfterSeconds`: when the oldest live nonce of this key id expires (room for one more).
   */
  | { outcome: "full"; retryAfterSeconds: number }
  /**
   * The store's memory began after `signedAtSeconds` (a shared store that restarted empty): this nonce may have been
   * accepted before, so the request must be refused (signed again, it is accepted). `startedAtSeconds`: when the
   * store's memory began. Only stores that can lose their memory behind the service's back return it.
   */
  | { outcome: "signed_before_start"; startedAtSeconds: number };

export interface RememberNonceInput {
  keyId: string;
  nonce: string;
  ttlSeconds: number;
  /** Live nonces this key id may hold at once (its own space: one client can never evict another's nonces). */
  capacity: number;
  /** The request's signed timestamp (Unix seconds), checked against the store's start by stores that return `signed_before_start`. */
  signedAtSeconds?: number;
}

/**
 * Remembers nonces so each is accepted once, in a bounded space per key id. Implementations must make `remember`
 * atomic per key id (check, capacity and insert in one step). A Redis implementation keeps one sorted set per key
 * id (score = expiry) and runs one Lua script: `ZREMRANGEBYSCORE` the expired, `ZSCORE` the nonce (replayed),
 * `ZCARD` against the capacity (full, with the lowest score for Retry-After), else `ZADD` and `PEXPIRE` the set.
 */
export interface NonceStore {
  /**
   * Read-only: whether the nonce is live for this key id. A server asks before charging a rate limit, so replays
   * of a captured request cannot drain its owner's budget; `remember` stays the authority (the two are not atomic).
   */
  seen(keyId: string, nonce: string): Promise<boolean>;
  /** Records the nonce unless it is live already or the key id's space is full. */
  remember(input: RememberNonceInput): Promise<RememberOutcome>;
  /**
   * Set by a store that answers without I/O (the memory store): the same two calls, answered at once instead of
   * through a promise, so a server that checks every request can skip the microtasks. Both must agree with `seen`
   * and `remember`; a store on a network (Redis) leaves it unset.
   */
  readonly sync?: SyncNonceStore;
}

/** `NonceStore`'s two calls, answered synchronously; throws where `NonceStore` rejects. */
export interface SyncNonceStore {
  seen(keyId: string, nonce: string): boolean;
  remember(input: RememberNonceInput): RememberOutcome;
}

export interface MemoryNonceStore extends NonceStore {
  readonly sync: SyncNonceStore;
  /** Live nonces held, over every key id (sweeps every space: for tests and diagnostics, not per request). */
  readonly size: number;
  /** Live nonces held for one key id. */
  sizeOf(keyId: string): number;
  clear(): void;
}

export interface MemoryNonceStoreOptions {
  /** Key ids with a nonce space at once; a new key id beyond it is answered `full`. Default 10 000. */
  maxKeyIds?: number;
  /** Clock in milliseconds; defaults to Date.now. */
  now?: () => number;
}

/** Live nonces one key id may hold when the caller states no capacity (`verifyRequest`'s default). */
export const DEFAULT_NONCE_CAPACITY = 100_000;
export const DEFAULT_MAX_NONCE_KEY_IDS = 10_000;

const STORED: RememberOutcome = Object.freeze({ outcome: "stored" });

interface Entry {
  nonce: string;
  expiresAt: number;
}

/**
 * The nonces of one key id: a Map for lookups plus a binary min-heap on expiry, so expired entries leave in
 * O(log n) whatever the mix of TTLs, without timers or full sweeps. Every call first drops what has expired, so
 * the Map holds live nonces only and a full space really is full.
 */
class NonceSpace {
  readonly expiries = new Map<string, number>();
  private readonly heap: Entry[] = [];

  dropExpired(at: number): void {
    const heap = this.heap;
    while (heap.length > 0 && heap[0]!.expiresAt <= at) {
      const { nonce } = this.pop();
      this.expiries.delete(nonce);
    }
  }

  add(nonce: string, expiresAt: number): void {
    this.expiries.set(nonce, expiresAt);
    const heap = this.heap;
    heap.push({ nonce, expiresAt });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.expiresAt <= heap[i]!.expiresAt) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  /** Expiry of the oldest live nonce; only called on a non-empty space. */
  earliestExpiry(): number {
    return this.heap[0]!.expiresAt;
  }

  private pop(): Entry {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && heap[left]!.expiresAt < heap[smallest]!.expiresAt) smallest = left;
        if (right < heap.length && heap[right]!.expiresAt < heap[smallest]!.expiresAt) smallest = right;
        if (smallest === i) break;
        [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
        i = smallest;
      }
    }
    return top;
  }
}

/** Every store's check of `remember`'s capacity: a positive integer, or InvalidVerifyOptionsError. */
export function checkNonceCapacity(capacity: number): void {
  if (!Number.isSafeInteger(capacity) || capacity < 1) {
    throw new InvalidVerifyOptionsError({
      option: "capacity",
      problem: `must be a positive integer (got ${capacity})`,
      fix: `Pass the live nonces one key id may hold, e.g. ${DEFAULT_NONCE_CAPACITY}.`,
    });
  }
}

/**
 * A single-process nonce store with one bounded space per key id. A full space refuses (`full`) instead of dropping
 * live nonces: dropping them is what let one client's flood make another client's captured request replayable.
 * It forgets everything on restart, so a service using it must refuse requests signed before it started
 * (`notBeforeSeconds` of `verifyRequest` / `checkSignatureHeaders`; see docs/security.md).
 */
export function createMemoryNonceStore(options: MemoryNonceStoreOptions = {}): MemoryNonceStore {
  const { maxKeyIds = DEFAULT_MAX_NONCE_KEY_IDS, now = Date.now } = options;
  if (!Number.isSafeInteger(maxKeyIds) || maxKeyIds < 1) {
    throw new InvalidVerifyOptionsError({
      option: "maxKeyIds",
      problem: `must be a positive integer (got ${maxKeyIds})`,
      fix: `Omit it for the default ${DEFAULT_MAX_NONCE_KEY_IDS}.`,
    });
  }
  const spaces = new Map<string, NonceSpace>();

  /** The key id's space with its expired nonces dropped; empty spaces are removed so idle key ids cost nothing. */
  function liveSpace(keyId: string, at: number): NonceSpace | undefined {
    const space = spaces.get(keyId);
    if (space === undefined) return undefined;
    space.dropExpired(at);
    if (space.expiries.size === 0) {
      spaces.delete(keyId);
      return undefined;
    }
    return space;
  }

  /** Drops every expired nonce and every emptied space; only run at the key id bound or for `size`. */
  function sweep(at: number): void {
    for (const [keyId, space] of spaces) {
      space.dropExpired(at);
      if (space.expiries.size === 0) spaces.delete(keyId);
    }
  }

  const sync: SyncNonceStore = {
    seen(keyId, nonce) {
      return liveSpace(keyId, now())?.expiries.has(nonce) ?? false;
    },
    remember({ keyId, nonce, ttlSeconds, capacity }) {
      checkNonceCapacity(capacity);
      const at = now();
      let space = liveSpace(keyId, at);
      if (space?.expiries.has(nonce)) return { outcome: "replayed" };
      if (space === undefined) {
        if (spaces.size >= maxKeyIds) sweep(at);
        if (spaces.size >= maxKeyIds) return { outcome: "full", retryAfterSeconds: 1 };
        space = new NonceSpace();
        spaces.set(keyId, space);
      } else if (space.expiries.size >= capacity) {
        return {
          outcome: "full",
          retryAfterSeconds: Math.max(1, Math.ceil((space.earliestExpiry() - at) / 1000)),
        };
      }
      space.add(nonce, at + ttlSeconds * 1000);
      return STORED;
    },
  };

  return {
    sync,
    async seen(keyId, nonce) {
      return sync.seen(keyId, nonce);
    },
    async remember(input) {
      return sync.remember(input);
    },
    get size() {
      sweep(now());
      let total = 0;
      for (const space of spaces.values()) total += space.expiries.size;
      return total;
    },
    sizeOf(keyId) {
      return liveSpace(keyId, now())?.expiries.size ?? 0;
    },
    clear() {
      spaces.clear();
    },
  };
}
