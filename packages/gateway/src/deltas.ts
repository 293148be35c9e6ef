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
  private wake: (() => void) | undefined;
  private iterating = false;

  constructor(private readonly onReturn: () => void) {}

  push(text: string): void {
    if (this.done) return;
    this.delivered = true;
    this.buffer.push(text);
    this.notify();
  }

  end(): void {
    this.done = true;
    this.notify();
  }

  fail(error: unknown): void {
    if (this.done) return;
    this.failure = error;
    this.failed = true;
    this.done = true;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  [Symbol.asyncIterator](): AsyncIterator<ChatDelta> {
    if (this.iterating) throw new TypeError("A ChatStream can be iterated only once.");
    this.iterating = true;
    return {
      next: async (): Promise<IteratorResult<ChatDelta>> => {
        for (;;) {
          if (this.head < this.buffer.length) {
            const text = this.buffer[this.head]!;
            this.buffer[this.head] = "";
            this.head++;
            return { value: { type: "delta", text }, done: false };
          }
          if (this.done) {
            if (this.failed) throw this.failure;
            return { value: undefined, done: true };
          }
          await new Promise<void>((resolve) => {
            this.wake = resolve;
          });
        }
      },
      return: async (): Promise<IteratorResult<ChatDelta>> => {
        if (!this.done) this.onReturn();
        return { value: undefined, done: true };
      },
    };
  }
}
