import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { batchKeys } from "../src/batch-keys.js";
import {
  BatchLimitError,
  BatchNotFoundError,
  type BatchStatus,
  type BatchStore,
  type BatchWorker,
  type createBatchStore,
  type createBatchWorker,
  InvalidCursorError,
  type ItemResult,
} from "../src/index.js";
import { recordItem } from "../src/record-item.js";
import { type BatchHarness, startBatchHarness } from "./batch-harness.js";

let h: BatchHarness;

beforeAll(async () => {
  h = await startBatchHarness();
});
afterEach(() => h.closeOpen());
afterAll(() => h.close());

function store(keyPrefix: string, limits?: Parameters<typeof createBatchStore>[0]["limits"]): BatchStore {
  return h.store({ keyPrefix, limits, retry: { attempts: 3, backoffMs: 50 } });
}

function worker(
  keyPrefix: string,
  extra: Partial<Parameters<typeof createBatchWorker>[0]> = {},
): BatchWorker {
  return h.worker({ keyPrefix, ...extra });
}

async function finished(batches: BatchStore, owner: string, id: string): Promise<BatchStatus> {
  return vi.waitFor(
    async () => {
      const status = await batches.status(owner, id);
      if (status.counts.pending > 0) throw new Error(`${status.counts.pending} items pending`);
      return status;
    },
    { timeout: 30_000, interval: 100 },
  );
}

async function allResults(
  batches: BatchStore,
  owner: string,
  id: string,
  limit: number,
): Promise<ItemResult[]> {
  const items: ItemResult[] = [];
  let cursor: string | undefined;
  do {
    const page = await batches.results(owner, id, { cursor, limit });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return items;
}

describe("batches through the run pipeline and a real Redis", () => {
  it("runs every item once: results in order, counts, usage and cost summed, a bad input recorded as a typed error", async () => {
    const prefix = h.prefix();
    const batches = store(prefix);
    const finishedBatches: string[] = [];
    worker(prefix, { onBatchFinished: ({ batchId }) => void finishedBatches.push(batchId) });
    const items = Array.from({ length: 25 }, (_, i) => ({
      ref: "batch/greet@1",
      input: { name: `n${i}` },
      metadata: { row: i },
    }));
    items.splice(7, 0, { ref: "batch/greet@1", input: { name: "" }, metadata: { row: -1 } });
    const submitted = await batches.submit({ owner: "team-a", items, dimensions: { team: "search" } });
    expect(submitted).toMatchObject({ status: "queued", counts: { total: 26, pending: 26 } });

    const status = await finished(batches, "team-a", submitted.id);
    expect(status).toMatchObject({
      status: "completed",
      progress: 1,
      counts: { total: 26, succeeded: 25, failed: 1, cancelled: 0, pending: 0 },
      dimensions: { team: "search" },
    });
    expect(finishedBatches).toEqual([submitted.id]);

    const results = await allResults(batches, "team-a", submitted.id, 10);
    expect(results.map((r) => r.index)).toEqual(items.map((_, i) => i));
    const failed = results[7];
    expect(failed).toMatchObject({ status: "failed", metadata: { row: -1 }, attempts: 1 });
    expect(failed?.status === "failed" && failed.error.code).toBe("input_invalid");
    const ok = results.filter((r) => r.status === "succeeded");
    expect(ok).toHaveLength(25);
    const sum = (pick: (r: (typeof ok)[number]) => number) => ok.reduce((total, r) => total + pick(r), 0);
    expect(status.usage.totalTokens).toBe(sum((r) => r.usage.totalTokens));
    expect(status.usage.totalTokens).toBeGreaterThan(0);
    expect(status.usage.costUsd).toBeCloseTo(
      sum((r) => r.cost ?? 0),
      9,
    );
    expect(status.timings.finishedAt).not.toBeNull();

    // Each item asked the gateway under its own stable idempotency key, once.
    const byKey = h.mock.stats().requestsByKey;
    for (const r of ok) expect(byKey[`promptreg-${submitted.id}-${r.index}`]).toBe(1);
    expect((await batches.deadLetters()).filter((d) => d.batchId === submitted.id)).toMatchObject([
      { index: 7, error: { code: "input_invalid" } },
    ]);
  });

  it("retries a retryable failure with backoff; an item that keeps failing is recorded once and dead-lettered", async () => {
    const prefix = h.prefix();
    const batches = store(prefix);
    worker(prefix);
    const submitted = await batches.submit({
      owner: "team-a",
      items: [
        { ref: "batch/flaky@1", input: { name: "a" } },
        { ref: "batch/down@1", input: { name: "b" } },
      ],
    });
    const status = await finished(batches, "team-a", submitted.id);
    expect(status.counts).toMatchObject({ succeeded: 1, failed: 1 });
    const [flaky, down] = (await batches.results("team-a", submitted.id)).items;
    expect(flaky).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(down).toMatchObject({ status: "failed", attempts: 3, error: { retryable: true } });
    expect(h.mock.stats().requestsByKey[`promptreg-${submitted.id}-1`]).toBe(3);
    const dead = (await batches.deadLetters()).filter((d) => d.batchId === submitted.id);
    expect(dead).toMatchObject([{ index: 1, ref: "batch/down@1", attempts: 3 }]);
  });

  it("cancel records every item not started as cancelled, and no worker runs them afterwards", async () => {
    const prefix = h.prefix();
    const batches = store(prefix);
    const items = Array.from({ length: 30 }, (_, i) => ({ ref: "batch/greet@1", input: { name: `c${i}` } }));
    const submitted = await batches.submit({ owner: "team-a", items, priority: "low" });
    const cancelled = await batches.cancel("team-a", submitted.id);
    expect(cancelled).toMatchObject({ status: "cancelled", counts: { cancelled: 30, pending: 0 } });
    expect((await batches.results("team-a", submitted.id, { limit: 2 })).items).toEqual([
      expect.objectContaining({ index: 0, status: "cancelled", ref: "batch/greet@1" }),
      expect.objectContaining({ index: 1, status: "cancelled" }),
    ]);
    expect(await batches.backlog()).toMatchObject({ depth: 0, oldestWaitingSeconds: 0 });
    worker(prefix);
    const late = await batches.submit({ owner: "team-a", items: items.slice(0, 1) });
    await finished(batches, "team-a", late.id);
    const keys = Object.keys(h.mock.stats().requestsByKey);
    expect(keys.filter((key) => key.startsWith(`promptreg-${submitted.id}-`))).toEqual([]);
  });

  it("skips an item whose result is already written (a worker died after writing it): no gateway call, counted once", async () => {
    const prefix = h.prefix();
    const batches = store(prefix);
    const items = Array.from({ length: 3 }, (_, i) => ({ ref: "batch/greet@1", input: { name: `s${i}` } }));
    const submitted = await batches.submit({ owner: "team-a", items });
    const earlier = {
      index: 1,
      ref: "batch/greet@1",
      status: "cancelled" as const,
      finishedAt: new Date().toISOString(),
    };
    await recordItem(h.redis, {
      keys: batchKeys(prefix),
      batchId: submitted.id,
      result: earlier,
      resultTtlSeconds: 60,
      deadLetterCapacity: 10,
      now: Date.now(),
    });
    worker(prefix);
    const status = await finished(batches, "team-a", submitted.id);
    expect(status.counts).toMatchObject({ succeeded: 2, cancelled: 1, pending: 0 });
    expect((await batches.results("team-a", submitted.id)).items[1]).toEqual(earlier);
    expect(h.mock.stats().requestsByKey[`promptreg-${submitted.id}-1`]).toBeUndefined();
  });

  it("a client sees only its own batches; a foreign or unknown id is not found, a bad cursor is refused", async () => {
    const batches = store(h.prefix());
    const submitted = await batches.submit({ owner: "team-a", items: [{ ref: "batch/greet@1", input: {} }] });
    await expect(batches.status("team-b", submitted.id)).rejects.toBeInstanceOf(BatchNotFoundError);
    await expect(batches.results("team-b", submitted.id)).rejects.toBeInstanceOf(BatchNotFoundError);
    await expect(batches.cancel("team-b", submitted.id)).rejects.toBeInstanceOf(BatchNotFoundError);
    await expect(batches.status("team-a", "batch_nope")).rejects.toBeInstanceOf(BatchNotFoundError);
    for (const cursor of ["1", "-1", "abc", "1e3"]) {
      await expect(batches.results("team-a", submitted.id, { cursor })).rejects.toBeInstanceOf(
        InvalidCursorError,
      );
    }
  });

  it("refuses submissions over the documented budgets with the budget, the path and the variable", async () => {
    const batches = store(h.prefix(), { maxItems: 3, maxItemInputBytes: 100, maxQueuedItems: 5 });
    const item = { ref: "batch/greet@1", input: { name: "x" } };
    const refused = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(await refused(batches.submit({ owner: "a", items: [item, item, item, item] }))).toMatchObject({
      code: "batch_limit_exceeded",
      limit: "maxItems",
      path: "items",
      max: 3,
      actual: 4,
      variable: "PROMPTREG_BATCH_MAX_ITEMS",
    });
    expect(await refused(batches.submit({ owner: "a", items: [] }))).toBeInstanceOf(BatchLimitError);
    const big = { ref: "batch/greet@1", input: { name: "x".repeat(200) } };
    expect(await refused(batches.submit({ owner: "a", items: [item, big] }))).toMatchObject({
      limit: "maxItemInputBytes",
      path: "items[1].input",
      retryable: false,
    });
    await batches.submit({ owner: "a", items: [item, item, item] });
    expect(await refused(batches.submit({ owner: "a", items: [item, item, item] }))).toMatchObject({
      limit: "maxQueuedItems",
      retryable: true,
      actual: 6,
    });
  });

  it("records each item once whatever the order and number of repeated writes (property)", async () => {
    const prefix = h.prefix();
    const keys = batchKeys(prefix);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ index: fc.nat({ max: 4 }), tokens: fc.nat({ max: 50 }) }), {
          minLength: 1,
          maxLength: 30,
        }),
        async (writes) => {
          const batchId = `prop${Math.random().toString(36).slice(2)}`;
          await h.redis.hset(keys.batch(batchId), { owner: "o", total: "5", createdAt: "1" });
          const first = new Map<number, number>();
          for (const write of writes) {
            if (!first.has(write.index)) first.set(write.index, write.tokens);
            await recordItem(h.redis, {
              keys,
              batchId,
              result: {
                index: write.index,
                ref: "r",
                status: "succeeded",
                resolved: { id: "r", version: "1.0.0", hash: "h" },
                output: "x",
                usage: { promptTokens: write.tokens, completionTokens: 0, totalTokens: write.tokens },
                cost: 0.5,
                latencyMs: 1,
                repairs: 0,
                provider: {},
                attempts: 1,
                finishedAt: "2026-01-01T00:00:00.000Z",
              },
              resultTtlSeconds: 60,
              deadLetterCapacity: 10,
              now: 2,
            });
          }
          const meta = await h.redis.hgetall(keys.batch(batchId));
          expect(Number(meta.succeeded)).toBe(first.size);
          expect(Number(meta.done)).toBe(first.size);
          expect(Number(meta.promptTokens ?? 0)).toBe([...first.values()].reduce((a, b) => a + b, 0));
          expect(Number(meta.costUsd)).toBeCloseTo(first.size * 0.5, 9);
          expect(meta.finishedAt === undefined).toBe(first.size < 5);
        },
      ),
      { numRuns: 30 },
    );
  });
});
