import type { FaultStep } from "./faults/fault-step.js";
import type { ReplyPlan } from "./reply/completion.js";

/** The budget of the idempotency store: how long a key is remembered and how much it may hold. */
export interface IdempotencyBudget {
  /** How long after its first success a key replays it (0 turns de-duplication off). */
  windowMs: number;
  /** Keys remembered at most; beyond it the least recently used key is forgotten. */
  maxKeys: number;
  /** Bytes of stored replies at most (reply text plus a fixed overhead per key); least recently used go first. */
  maxBytes: number;
}

export const DEFAULT_IDEMPOTENCY_BUDGET: Readonly<IdempotencyBudget> = {
  windowMs: 24 * 3600 * 1000,
  maxKeys: 10_000,
  maxBytes: 32 * 1024 * 1024,
};

/** A stored success: what the first request with the key was charged for, replayed to later ones. */
export interface StoredReply {
  /** sha256 of the first request's body: the same key with another body is a conflict, not a replay. */
  bodyHash: string;
  plan: ReplyPlan;
  /** The step that produced it (a failover or cache-hit replays as such). */
  step: FaultStep;
  storedAt: number;
  bytes: number;
}

/** Key, hashes, ids and the usage object: what one entry costs beyond its reply text. */
const ENTRY_OVERHEAD_BYTES = 512;

/**
 * Successful replies by Idempotency-Key, so a client that re-sends a request (a retry, a batch item re-delivered
 * after its worker died) gets the first reply again instead of a second charged generation. A Map in insertion
 * order is the LRU: a hit moves its key to the end, eviction takes from the front. Entries expire `windowMs`
 * after they were stored.
 */
export class IdempotencyStore {
  readonly #budget: IdempotencyBudget;
  readonly #now: () => number;
  readonly #entries = new Map<string, StoredReply>();
  /**
   * Where eviction resumes: a Map iterator stays valid across deletions and the Map's rehashing, and every entry
   * before it has been evicted (a hit re-inserts its key after it), so its next entry is the least recently used.
   * Iterating from the start for each eviction stepped over every slot deleted before the first live one, a cost that
   * grew with each eviction until the Map rehashed (5-7 µs per stored reply at 10,000 keys).
   */
  #cursor: MapIterator<[string, StoredReply]> | undefined;
  #bytes = 0;

  constructor(budget: IdempotencyBudget, now: () => number = Date.now) {
    this.#budget = budget;
    this.#now = now;
  }

  get enabled(): boolean {
    return this.#budget.windowMs > 0;
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** The live reply stored under `key`, marked most recently used; undefined when none or expired. */
  get(key: string): StoredReply | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (this.#now() - entry.storedAt >= this.#budget.windowMs) {
      this.#bytes -= entry.bytes;
      return undefined;
    }
    this.#entries.set(key, entry);
    return entry;
  }

  /** Stores a success under `key` (replacing an expired one), then evicts least recently used keys over budget. */
  set(key: string, reply: Omit<StoredReply, "storedAt" | "bytes">): void {
    if (!this.enabled) return;
    const bytes = ENTRY_OVERHEAD_BYTES + Buffer.byteLength(key) + Buffer.byteLength(reply.plan.content);
    // A reply larger than the whole budget is not kept: storing it would evict everything else.
    if (bytes > this.#budget.maxBytes) return;
    const previous = this.#entries.get(key);
    if (previous !== undefined) {
      this.#entries.delete(key);
      this.#bytes -= previous.bytes;
    }
    this.#entries.set(key, { ...reply, storedAt: this.#now(), bytes });
    this.#bytes += bytes;
    while (this.#entries.size > this.#budget.maxKeys || this.#bytes > this.#budget.maxBytes) {
      const [oldest, entry] = this.#leastRecentlyUsed();
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes;
    }
  }

  /** The least recently used entry; only called while the store holds more than its budget, so never empty. */
  #leastRecentlyUsed(): [string, StoredReply] {
    let next = this.#cursor?.next();
    if (next === undefined || next.done) {
      // A finished iterator stays finished even when entries are added after it: start a new one.
      this.#cursor = this.#entries.entries();
      next = this.#cursor.next();
    }
    return next.value as [string, StoredReply];
  }

  clear(): void {
    this.#entries.clear();
    this.#cursor = undefined;
    this.#bytes = 0;
  }
}
