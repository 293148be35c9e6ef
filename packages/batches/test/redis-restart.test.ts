import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type BatchStatus, createBatchStore, createBatchWorker } from "../src/index.js";
import { type BatchHarness, connectRedis, startBatchHarness } from "./batch-harness.js";

let h: BatchHarness;

beforeAll(async () => {
  // Its own persistent redis-server (append-only, fsynced per write), restarted in the middle of the batch.
  h = await startBatchHarness({ persistent: true, latencyMs: 100 });
});
afterAll(async () => {
  await h.close();
});

describe("Redis restarted in the middle of a batch", () => {
  it("the worker and the store reconnect, processing resumes, and every item ends with exactly one result", async () => {
    const prefix = h.prefix();
    // Clients of their own: the harness's is used for the final checks.
    const storeRedis = connectRedis(h.redisHandle.url);
    const workerRedis = connectRedis(h.redisHandle.url);
    const batches = createBatchStore({
      redis: storeRedis,
      keyPrefix: prefix,
      retry: { attempts: 5, backoffMs: 200 },
    });
    const errors: unknown[] = [];
    const worker = createBatchWorker({
      redis: workerRedis,
      keyPrefix: prefix,
      pipeline: h.pipeline,
      concurrency: 2,
      rateLimit: { requestsPerMinute: 60_000, tokensPerMinute: 10_000_000 },
      itemTimeoutMs: 30_000,
      lockMs: 2_000,
      onError: (error) => errors.push(error),
    });
    try {
      const items = Array.from({ length: 40 }, (_, i) => ({
        ref: "batch/greet@1",
        input: { name: `r${i}` },
      }));
      const { id } = await batches.submit({ owner: "team-a", items });
      const progressed = (minimum: number) =>
        vi.waitFor(
          async () => {
            const status = await batches.status("team-a", id);
            if (status.counts.total - status.counts.pending < minimum) throw new Error("not yet");
            return status;
          },
          { timeout: 30_000, interval: 50 },
        );
      const before = await progressed(5);
      expect(before.counts.pending).toBeGreaterThan(0);

      await h.redisHandle.restart();

      const after: BatchStatus = await vi.waitFor(
        async () => {
          const status = await batches.status("team-a", id);
          if (status.counts.pending > 0) throw new Error(`${status.counts.pending} pending`);
          return status;
        },
        { timeout: 30_000, interval: 200 },
      );
      expect(after.counts).toMatchObject({ total: 40, succeeded: 40, failed: 0, pending: 0 });
      const results = (await batches.results("team-a", id)).items;
      expect(results.map((r) => r.index)).toEqual(items.map((_, i) => i));
      expect(results.every((r) => r.status === "succeeded")).toBe(true);
      // Billed once: the batch's tokens are exactly the sum of its items' tokens.
      const tokens = results.reduce(
        (sum, r) => sum + (r.status === "succeeded" ? r.usage.totalTokens : 0),
        0,
      );
      expect(after.usage.totalTokens).toBe(tokens);
    } finally {
      await worker.close();
      await batches.close();
      storeRedis.disconnect();
      workerRedis.disconnect();
    }
  });
});
