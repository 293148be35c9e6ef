import { describe, expect, it } from "vitest";
import { Bulkhead, BulkheadFullError } from "./bulkhead.js";

describe("Bulkhead", () => {
  it("admits maxConcurrent at once, queues up to maxQueue in order, rejects beyond", async () => {
    const b = new Bulkhead({ maxConcurrent: 2, maxQueue: 2 });
    expect(b.acquire()).toBeUndefined();
    expect(b.acquire()).toBeUndefined();
    const order: number[] = [];
    const w1 = b.acquire()!.then(() => order.push(1));
    const w2 = b.acquire()!.then(() => order.push(2));
    await expect(b.acquire()).rejects.toBeInstanceOf(BulkheadFullError);
    expect(b.queued).toBe(2);
    b.release();
    await w1;
    b.release();
    await w2;
    expect(order).toEqual([1, 2]);
    expect(b.inFlight).toBe(2);
    b.release();
    b.release();
    expect(b.inFlight).toBe(0);
  });

  it("drops an aborted waiter from the queue and hands the slot to the next one", async () => {
    const b = new Bulkhead({ maxConcurrent: 1, maxQueue: 5 });
    b.acquire();
    const controller = new AbortController();
    const abandoned = b.acquire(controller.signal)!;
    const next = b.acquire()!;
    controller.abort(new Error("gone"));
    await expect(abandoned).rejects.toThrow("gone");
    expect(b.queued).toBe(1);
    b.release();
    await next;
    expect(b.inFlight).toBe(1);
  });

  it("tryAcquire takes a free slot but never jumps the queue", async () => {
    const b = new Bulkhead({ maxConcurrent: 1, maxQueue: 1 });
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    const waiting = b.acquire()!;
    b.release(); // the slot goes to the waiter, not to a later tryAcquire
    await waiting;
    expect(b.tryAcquire()).toBe(false);
    b.release();
    expect(b.tryAcquire()).toBe(true);
  });
});
