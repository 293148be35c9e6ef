/**
 * Bounds concurrent upstream attempts per client. Up to `maxConcurrent` run; up to `maxQueue` more wait in FIFO order
 * (bounded by the call's deadline and AbortSignal); beyond that `acquire` rejects at once, so overload sheds load
 * instead of building an unbounded queue.
 */
export interface BulkheadOptions {
  maxConcurrent: number;
  maxQueue: number;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  settled: boolean;
}

/**
 * The queue is full; the client turns it into a ConcurrencyLimitError. Internal control flow, never thrown out of
 * the package (not in index.ts), so not a PromptregBaseError.
 */
export class BulkheadFullError extends Error {}

export class Bulkhead {
  private active = 0;
  private readonly queue: Waiter[] = [];
  private head = 0;
  private waiting = 0;

  constructor(readonly options: BulkheadOptions) {}

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting;
  }

  /** Takes a slot if one is free and nobody is queued; true when held (call `release` once afterwards). */
  tryAcquire(): boolean {
    if (this.active < this.options.maxConcurrent && this.queued === 0) {
      this.active++;
      return true;
    }
    return false;
  }

  /** Resolves when a slot is held; call `release` exactly once afterwards. `signal` abandons the wait. */
  acquire(signal?: AbortSignal): Promise<void> | undefined {
    if (this.active < this.options.maxConcurrent && this.queued === 0) {
      this.active++;
      return undefined;
    }
    if (this.queued >= this.options.maxQueue) return Promise.reject(new BulkheadFullError());
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, settled: false };
      const onAbort = () => {
        if (waiter.settled) return;
        waiter.settled = true;
        this.waiting--;
        reject(signal?.reason);
      };
      waiter.resolve = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      if (signal) {
        if (signal.aborted) {
          reject(signal.reason);
          return;
        }
        signal.addEventListener("abort", onAbort, { once: true });
      }
      this.queue.push(waiter);
      this.waiting++;
    });
  }

  release(): void {
    while (this.head < this.queue.length) {
      const next = this.queue[this.head]!;
      this.queue[this.head] = undefined as unknown as Waiter;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      if (next.settled) continue;
      next.settled = true;
      this.waiting--;
      // The slot passes straight to the waiter: `active` stays the same.
      next.resolve();
      return;
    }
    this.active--;
  }
}
