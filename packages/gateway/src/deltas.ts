import type { ChatDelta } from "./types.js";

/**
 * The hand-off between the network reader and the caller's `for await`: an unbounded FIFO of text deltas (model
 * output is small) that ends or fails once. `onReturn` runs when the caller stops iterating early.
 */
export class DeltaChannel implements AsyncIterable<ChatDelta> {
  /** True once any delta was handed over: from then on the call may no longer be retried. */
  delivered = false;
  private readonly buffer: string[] = [];
  private head = 0;
  private done = false;
  private failure: unknown;
  private failed = false;
  /**
   * The caller's pending `next()`, settled straight from `push`/`end`/`fail`: a delta that finds the caller waiting
   * costs one promise, where an async `next()` awaiting a wake-up promise cost three and an extra microtask each.
   */
  private resolveNext: ((result: IteratorResult<ChatDelta>) => void) | undefined;
  private rejectNext: ((error: unknown) => void) | undefined;
  private iterating = false;

  constructor(private readonly onReturn: () => void) {}

  push(text: string): void {
    if (this.done) return;
    this.delivered = true;
    const resolve = this.resolveNext;
    if (resolve) {
      this.resolveNext = undefined;
      this.rejectNext = undefined;
      resolve({ value: { type: "delta", text }, done: false });
      return;
    }
    this.buffer.push(text);
  }

  end(): void {
    this.done = true;
    this.settleWaiting();
  }

  fail(error: unknown): void {
    if (this.done) return;
    this.failure = error;
    this.failed = true;
    this.done = true;
    this.settleWaiting();
  }

  /** A caller waits only while the buffer is empty, so ending wakes it with the end (or the failure). */
  private settleWaiting(): void {
    const resolve = this.resolveNext;
    const reject = this.rejectNext;
    if (!resolve || !reject) return;
    this.resolveNext = undefined;
    this.rejectNext = undefined;
    if (this.failed) reject(this.failure);
    else resolve({ value: undefined, done: true });
  }

  /** @internal The iterator's `next()`. */
  next(): Promise<IteratorResult<ChatDelta>> {
    if (this.head < this.buffer.length) {
      const text = this.buffer[this.head]!;
      this.buffer[this.head] = "";
      this.head++;
      return Promise.resolve({ value: { type: "delta", text }, done: false });
    }
    if (this.done) {
      return this.failed ? Promise.reject(this.failure) : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.resolveNext = resolve;
      this.rejectNext = reject;
    });
  }

  /** @internal The iterator's `return()`. */
  stopIterating(): Promise<IteratorResult<ChatDelta>> {
    if (!this.done) this.onReturn();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<ChatDelta> {
    if (this.iterating) throw new TypeError("A ChatStream can be iterated only once.");
    this.iterating = true;
    return new DeltaIterator(this);
  }
}

/** The caller's view of the channel: methods on a prototype, so iterating builds no closures. */
class DeltaIterator implements AsyncIterator<ChatDelta> {
  constructor(private readonly channel: DeltaChannel) {}

  next(): Promise<IteratorResult<ChatDelta>> {
    return this.channel.next();
  }

  return(): Promise<IteratorResult<ChatDelta>> {
    return this.channel.stopIterating();
  }
}
