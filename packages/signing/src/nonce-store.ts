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

/**
 * The nonces of one key id: a Set for lookups plus a binary min-heap on expiry, so expired entries leave in
 * O(log n) whatever the mix of TTLs, without timers or full sweeps. Every call first drops what has expired, so
 * the Set holds live nonces only and a full space really is full. The heap is two parallel arrays (nonces, and
 * expiries as unboxed doubles) rather than an object per entry: a busy client holds tens of thousands of live
 * nonces, and each object (with its boxed expiry) was one more for every garbage collection to trace.
 */
class NonceSpace {
  readonly live = new Set<string>();
  private readonly nonces: string[] = [];
  private readonly expiries: number[] = [];

  dropExpired(at: number): void {
    while (this.expiries.length > 0 && this.expiries[0]! <= at) this.live.delete(this.pop());
  }

  add(nonce: string, expiresAt: number): void {
    this.live.add(nonce);
    const { nonces, expiries } = this;
    let i = nonces.length;
    nonces.push(nonce);
    expiries.push(expiresAt);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (expiries[parent]! <= expiresAt) break;
      nonces[i] = nonces[parent]!;
      expiries[i] = expiries[parent]!;
      i = parent;
    }
    nonces[i] = nonce;
    expiries[i] = expiresAt;
  }

  /** Expiry of the oldest live nonce; only called on a non-empty space. */
  earliestExpiry(): number {
    return this.expiries[0]!;
  }

  /** Removes the entry with the earliest expiry and returns its nonce. */
  private pop(): string {
    const { nonces, expiries } = this;
    const top = nonces[0]!;
    const lastNonce = nonces.pop()!;
    const lastExpiry = expiries.pop()!;
    const size = nonces.length;
    if (size === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && expiries[right]! < expiries[left]! ? right : left;
      if (expiries[child]! >= lastExpiry) break;
      nonces[i] = nonces[child]!;
      expiries[i] = expiries[child]!;
      i = child;
    }
    nonces[i] = lastNonce;
    expiries[i] = lastExpiry;
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
    if (space.live.size === 0) {
      spaces.delete(keyId);
      return undefined;
    }
    return space;
  }

  /** Drops every expired nonce and every emptied space; only run at the key id bound or for `size`. */
  function sweep(at: number): void {
    for (const [keyId, space] of spaces) {
      space.dropExpired(at);
      if (space.live.size === 0) spaces.delete(keyId);
    }
  }

  const sync: SyncNonceStore = {
    seen(keyId, nonce) {
      return liveSpace(keyId, now())?.live.has(nonce) ?? false;
    },
    remember({ keyId, nonce, ttlSeconds, capacity }) {
      checkNonceCapacity(capacity);
      const at = now();
      let space = liveSpace(keyId, at);
      if (space?.live.has(nonce)) return { outcome: "replayed" };
      if (space === undefined) {
        if (spaces.size >= maxKeyIds) sweep(at);
        if (spaces.size >= maxKeyIds) return { outcome: "full", retryAfterSeconds: 1 };
        space = new NonceSpace();
        spaces.set(keyId, space);
      } else if (space.live.size >= capacity) {
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
      for (const space of spaces.values()) total += space.live.size;
      return total;
    },
    sizeOf(keyId) {
      return liveSpace(keyId, now())?.live.size ?? 0;
    },
    clear() {
      spaces.clear();
    },
  };
}
