import { Queue } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { batchKeys, NOTIFY_QUEUE_NAME } from "../src/batch-keys.js";
import type { BatchStore, BatchWorker, FinishedBatch } from "../src/index.js";
import { recordItem } from "../src/record-item.js";
import { type BatchHarness, startBatchHarness } from "./batch-harness.js";

let h: BatchHarness;

beforeAll(async () => {
  h = await startBatchHarness();
});
afterEach(() => h.closeOpen());
afterAll(() => h.close());

function store(keyPrefix: string): BatchStore {
  return h.store({ keyPrefix, retry: { attempts: 1, backoffMs: 50 } });
}

type Deliver = (batch: FinishedBatch & { attempt: number }) => Promise<void>;

function worker(
  keyPrefix: string,
  deliver?: Deliver,
  onGaveUp?: (batch: FinishedBatch) => void,
): BatchWorker {
  return h.worker({
    keyPrefix,
    lockMs: 1_000,
    notifications: deliver && { deliver, policy: { baseDelayMs: 20, maxDelayMs: 100 }, onGaveUp },
  });
}

const items = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ ref: "batch/greet@1", input: { name: `n${i}` } }));
const CALLBACK = "http://127.0.0.1:1/hooks";

function notificationJobs(keyPrefix: string) {
  const queue = new Queue(NOTIFY_QUEUE_NAME, {
    connection: h.redis,
    prefix: batchKeys(keyPrefix).queuePrefix,
  });
  return h.track(queue);
}

describe("completion webhooks as queued jobs", () => {
  it("a delivery that fails twice is retried by the queue with backoff and succeeds once, one job per batch", async () => {
    const prefix = h.prefix();
    const batches = store(prefix);
    const attempts: number[] = [];
    const delivered: string[] = [];
    worker(prefix, async ({ batchId, attempt }) => {
      attempts.push(attempt);
      if (attempt <= 2) throw Object.assign(new Error("receiver answered 503"), { retryable: true });
      delivered.push(batchId);
    });
    const { id } = await batches.submit({ owner: "team-a", items: items(3), callbackUrl: CALLBACK });
    const none = await batches.submit({ owner: "team-a", items: items(1) });
    await vi.waitFor(
      () => {
        if (delivered.length === 0) throw new Error("not delivered yet");
      },
      { timeout: 30_000, interval: 50 },
    );
    expect(attempts).toEqual([1, 2, 3]);
    expect(delivered).toEqual([id]);
    const queue = notificationJobs(prefix);
    const job = await queue.getJob(id);
    expect(job?.data).toEqual({ batchId: id, owner: "team-a" });
    expect(await job?.isCompleted()).toBe(true);
    // A batch without a callbackUrl queues nothing.
    await vi.waitFor(async () => {
      if ((await batches.status("team-a", none.id)).counts.pending > 0) throw new Error("pending");
    });
    expect(await queue.getJob(none.id)).toBeUndefined();
  });

  it("a final error (retryable: false) ends the delivery at once and is reported once", async () => {
    const prefix = h.prefix();
    const batches = store(prefix);
    const attempts: number[] = [];
    const gaveUp: string[] = [];
    worker(
      prefix,
      async ({ attempt }) => {
        attempts.push(attempt);
        throw Object.assign(new Error("receiver answered 401"), { retryable: false });
      },
      ({ batchId }) => gaveUp.push(batchId),
    );
    const { id } = await batches.submit({ owner: "team-a", items: items(1), callbackUrl: CALLBACK });
    await vi.waitFor(
      () => {
        if (gaveUp.length === 0) throw new Error("still trying");
      },
      { timeout: 30_000, interval: 50 },
    );
    expect(gaveUp).toEqual([id]);
    expect(attempts).toEqual([1]);
  });

  it("a batch finished by a worker that died before queueing the webhook: the re-delivered last item queues it", async () => {
    const prefix = h.prefix();
    const keys = batchKeys(prefix);
    const batches = store(prefix);
    const { id } = await batches.submit({ owner: "team-a", items: items(1), callbackUrl: CALLBACK });
    // The dead worker's write: the result is recorded and the batch finished, but no webhook job was queued.
    const outcome = await recordItem(h.redis, {
      keys,
      batchId: id,
      result: { index: 0, ref: "batch/greet@1", status: "cancelled", finishedAt: new Date().toISOString() },
      resultTtlSeconds: 60,
      deadLetterCapacity: 10,
      now: Date.now(),
    });
    expect(outcome).toBe("batch_finished");
    const delivered: string[] = [];
    worker(prefix, async ({ batchId }) => void delivered.push(batchId));
    await vi.waitFor(
      () => {
        if (delivered.length === 0) throw new Error("not delivered yet");
      },
      { timeout: 30_000, interval: 50 },
    );
    expect(delivered).toEqual([id]);
  });

  it("a cancel that records the last item queues the batch.cancelled webhook itself", async () => {
    const prefix = h.prefix();
    const batches = store(prefix);
    const { id } = await batches.submit({ owner: "team-a", items: items(5), callbackUrl: CALLBACK });
    await batches.cancel("team-a", id);
    const job = await notificationJobs(prefix).getJob(id);
    expect(job?.data).toEqual({ batchId: id, owner: "team-a" });
  });
});
