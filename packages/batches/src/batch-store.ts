import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { batchKeys, DEFAULT_KEY_PREFIX, itemJobId, QUEUE_NAME } from "./batch-keys.js";
import { BATCH_LIMIT_VARIABLES, type BatchLimits, DEFAULT_BATCH_LIMITS } from "./batch-limits.js";
import { enqueueNotification, notificationQueue } from "./batch-notifications.js";
import {
  BATCH_PRIORITIES,
  type BatchPriority,
  type BatchState,
  type BatchStatus,
  type BatchSubmission,
  type DeadLetter,
  type ItemResult,
} from "./batch-types.js";
import { BatchLimitError } from "./errors/batch-limit-error.js";
import { BatchNotFoundError } from "./errors/batch-not-found-error.js";
import { InvalidCursorError } from "./errors/invalid-cursor-error.js";
import { recordItem } from "./record-item.js";

/** What one BullMQ job carries: the item itself, so a worker needs nothing else to run it. */
export interface ItemJobData {
  batchId: string;
  index: number;
  ref: string;
  input: unknown;
  metadata?: Record<string, unknown> | undefined;
}

/** Retries of one item: attempts in all, and the first backoff (doubled each time). */
export interface ItemRetryPolicy {
  attempts: number;
  backoffMs: number;
}

export const DEFAULT_ITEM_RETRY: Readonly<ItemRetryPolicy> = { attempts: 3, backoffMs: 2_000 };

/** Results per page of `results()` at most (and by default). */
export const MAX_RESULTS_PAGE = 1_000;
const ADD_CHUNK = 500;

export interface BatchStore {
  submit(submission: BatchSubmission): Promise<BatchStatus>;
  /** Throws `BatchNotFoundError` for a missing, expired or other client's batch. */
  status(owner: string, batchId: string): Promise<BatchStatus>;
  /** Items `cursor..cursor+limit-1` in order, unfinished ones as `pending`; `nextCursor` is null after the last. */
  results(
    owner: string,
    batchId: string,
    page?: { cursor?: string | undefined; limit?: number | undefined },
  ): Promise<{ items: ItemResult[]; nextCursor: string | null }>;
  /** Every item in order, read in pages (for NDJSON streaming); checks ownership before the first page. */
  allResults(owner: string, batchId: string): Promise<AsyncGenerator<ItemResult, void, undefined>>;
  /** Removes items not yet started and records them `cancelled`; items running finish. Returns the new status. */
  cancel(owner: string, batchId: string): Promise<BatchStatus>;
  /** Items waiting (queued, prioritised, delayed for a retry) and the age of the oldest unfinished batch. */
  backlog(): Promise<{ depth: number; oldestWaitingSeconds: number }>;
  deadLetters(limit?: number): Promise<DeadLetter[]>;
  close(): Promise<void>;
}

export interface BatchStoreOptions {
  /** A connected ioredis client (`maxRetriesPerRequest: null`); the store does not close it. */
  redis: Redis;
  /** Prefix of every key (PROMPTREG_REDIS_KEY_PREFIX); workers must use the same. Default `promptreg:`. */
  keyPrefix?: string | undefined;
  limits?: Partial<BatchLimits> | undefined;
  retry?: Partial<ItemRetryPolicy> | undefined;
  now?: () => number;
}

type Meta = Record<string, string>;

function newBatchId(): string {
  return `batch_${randomBytes(12).toString("hex")}`;
}

function iso(ms: string | undefined): string | null {
  return ms ? new Date(Number(ms)).toISOString() : null;
}

function toStatus(id: string, meta: Meta, now: number): BatchStatus {
  const total = Number(meta.total);
  const succeeded = Number(meta.succeeded ?? 0);
  const failed = Number(meta.failed ?? 0);
  const cancelled = Number(meta.cancelled ?? 0);
  const pending = Math.max(0, total - succeeded - failed - cancelled);
  let status: BatchState;
  if (meta.cancelRequested) status = pending === 0 ? "cancelled" : "cancelling";
  else if (pending === 0) status = "completed";
  else status = meta.startedAt ? "running" : "queued";
  const started = meta.startedAt ? Number(meta.startedAt) : undefined;
  const finished = meta.finishedAt ? Number(meta.finishedAt) : undefined;
  return {
    id,
    status,
    priority: (meta.priority ?? "normal") as BatchPriority,
    counts: { total, succeeded, failed, cancelled, pending },
    progress: total === 0 ? 1 : (total - pending) / total,
    timings: {
      createdAt: iso(meta.createdAt) as string,
      startedAt: iso(meta.startedAt),
      finishedAt: iso(meta.finishedAt),
      durationMs: started === undefined ? null : (finished ?? now) - started,
    },
    usage: {
      promptTokens: Number(meta.promptTokens ?? 0),
      completionTokens: Number(meta.completionTokens ?? 0),
      totalTokens: Number(meta.totalTokens ?? 0),
      costUsd: Number(meta.costUsd ?? 0),
      itemsWithUnknownCost: Number(meta.costUnknown ?? 0),
    },
    dimensions: meta.dimensions ? (JSON.parse(meta.dimensions) as Record<string, string>) : {},
    callbackUrl: meta.callbackUrl || null,
  };
}

/** The queue and the batch records: what the HTTP routes need. Workers are separate (`createBatchWorker`). */
export function createBatchStore(options: BatchStoreOptions): BatchStore {
  const { redis, now = Date.now } = options;
  const limits: BatchLimits = { ...DEFAULT_BATCH_LIMITS, ...options.limits };
  const retry: ItemRetryPolicy = { ...DEFAULT_ITEM_RETRY, ...options.retry };
  const keys = batchKeys(options.keyPrefix ?? DEFAULT_KEY_PREFIX);
  const queue = new Queue<ItemJobData>(QUEUE_NAME, { connection: redis, prefix: keys.queuePrefix });
  const notify = notificationQueue(redis, keys);

  async function ownedMeta(owner: string, batchId: string): Promise<Meta> {
    const meta = (await redis.hgetall(keys.batch(batchId))) as Meta;
    if (meta.owner !== owner || meta.total === undefined) throw new BatchNotFoundError({ batchId });
    return meta;
  }

  async function waiting(): Promise<number> {
    const counts = await queue.getJobCounts("wait", "prioritized", "delayed");
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  }

  function checkBudgets(submission: BatchSubmission): void {
    const count = submission.items.length;
    if (count > limits.maxItems || count === 0) {
      throw new BatchLimitError({
        limit: "maxItems",
        max: limits.maxItems,
        actual: count,
        path: "items",
        variable: BATCH_LIMIT_VARIABLES.maxItems,
        message:
          count === 0
            ? "A batch needs at least one item in 'items'."
            : `A batch holds at most ${limits.maxItems} items; 'items' has ${count}. Split it into several batches.`,
      });
    }
    submission.items.forEach((item, index) => {
      const bytes = Buffer.byteLength(JSON.stringify({ input: item.input, metadata: item.metadata }));
      if (bytes > limits.maxItemInputBytes) {
        throw new BatchLimitError({
          limit: "maxItemInputBytes",
          max: limits.maxItemInputBytes,
          actual: bytes,
          path: `items[${index}].input`,
          variable: BATCH_LIMIT_VARIABLES.maxItemInputBytes,
          message: `items[${index}]: input and metadata take ${bytes} bytes as JSON, over the budget of ${limits.maxItemInputBytes} bytes per item.`,
        });
      }
    });
  }

  async function page(batchId: string, total: number, from: number, limit: number): Promise<ItemResult[]> {
    const to = Math.min(total, from + limit);
    if (to <= from) return [];
    const fields = Array.from({ length: to - from }, (_, i) => String(from + i));
    const values = await redis.hmget(keys.results(batchId), ...fields);
    return values.map((value, i) =>
      value === null ? { index: from + i, status: "pending" } : (JSON.parse(value) as ItemResult),
    );
  }

  return {
    async submit(submission) {
      checkBudgets(submission);
      const depth = await waiting();
      if (depth + submission.items.length > limits.maxQueuedItems) {
        throw new BatchLimitError({
          limit: "maxQueuedItems",
          max: limits.maxQueuedItems,
          actual: depth + submission.items.length,
          path: "items",
          variable: BATCH_LIMIT_VARIABLES.maxQueuedItems,
          message: `The batch queue holds ${depth} waiting items; ${submission.items.length} more would pass its budget of ${limits.maxQueuedItems}. Retry later or submit fewer items.`,
        });
      }
      const id = newBatchId();
      const createdAt = now();
      const priority = submission.priority ?? "normal";
      const meta: Meta = {
        owner: submission.owner,
        total: String(submission.items.length),
        priority,
        createdAt: String(createdAt),
        dimensions: JSON.stringify(submission.dimensions ?? {}),
        callbackUrl: submission.callbackUrl ?? "",
      };
      await redis
        .multi()
        .hset(keys.batch(id), meta)
        .expire(keys.batch(id), limits.maxAgeSeconds + limits.resultTtlSeconds)
        .zadd(keys.unfinished, createdAt, id)
        .exec();
      for (let start = 0; start < submission.items.length; start += ADD_CHUNK) {
        const chunk = submission.items.slice(start, start + ADD_CHUNK);
        await queue.addBulk(
          chunk.map((item, offset) => ({
            name: "item",
            data: {
              batchId: id,
              index: start + offset,
              ref: item.ref,
              input: item.input,
              metadata: item.metadata,
            },
            opts: {
              jobId: itemJobId(id, start + offset),
              priority: BATCH_PRIORITIES[priority],
              attempts: retry.attempts,
              backoff: { type: "exponential", delay: retry.backoffMs },
              removeOnComplete: true,
              // Failed jobs are only kept so a worker can tell a failure for good (see batch-worker.ts); bounded.
              removeOnFail: { age: 24 * 3600, count: 10_000 },
            },
          })),
        );
      }
      return toStatus(id, meta, now());
    },

    async status(owner, batchId) {
      return toStatus(batchId, await ownedMeta(owner, batchId), now());
    },

    async results(owner, batchId, { cursor, limit = MAX_RESULTS_PAGE } = {}) {
      const meta = await ownedMeta(owner, batchId);
      const total = Number(meta.total);
      const from = cursor === undefined ? 0 : Number(cursor);
      if (!/^\d+$/.test(cursor ?? "0") || from >= total)
        throw new InvalidCursorError({ cursor: cursor ?? "", total });
      const size = Math.max(1, Math.min(MAX_RESULTS_PAGE, Math.floor(limit)));
      const items = await page(batchId, total, from, size);
      return { items, nextCursor: from + size < total ? String(from + size) : null };
    },

    async allResults(owner, batchId) {
      const total = Number((await ownedMeta(owner, batchId)).total);
      return (async function* () {
        for (let from = 0; from < total; from += MAX_RESULTS_PAGE) {
          yield* await page(batchId, total, from, MAX_RESULTS_PAGE);
        }
      })();
    },

    async cancel(owner, batchId) {
      const meta = await ownedMeta(owner, batchId);
      await redis.hset(keys.batch(batchId), "cancelRequested", String(now()));
      const total = Number(meta.total);
      for (let from = 0; from < total; from += ADD_CHUNK) {
        const fields = Array.from({ length: Math.min(ADD_CHUNK, total - from) }, (_, i) => from + i);
        const done = await redis.hmget(keys.results(batchId), ...fields.map(String));
        await Promise.all(
          fields
            .filter((_, i) => done[i] === null)
            .map(async (index) => {
              const job = await queue.getJob(itemJobId(batchId, index));
              if (!job) return;
              // 0 when the item is running (locked): it finishes and is recorded as usual.
              if ((await queue.remove(job.id as string)) !== 1) return;
              const outcome = await recordItem(redis, {
                keys,
                batchId,
                result: {
                  index,
                  ref: job.data.ref,
                  metadata: job.data.metadata,
                  status: "cancelled",
                  finishedAt: new Date(now()).toISOString(),
                },
                resultTtlSeconds: limits.resultTtlSeconds,
                deadLetterCapacity: limits.deadLetterCapacity,
                now: now(),
              });
              // This cancel recorded the last item: the batch.cancelled webhook is queued here, no worker will.
              if (outcome === "batch_finished" && meta.callbackUrl) {
                await enqueueNotification(notify, {
                  batch: { batchId, owner },
                  keepSeconds: limits.resultTtlSeconds,
                });
              }
            }),
        );
      }
      return toStatus(batchId, await ownedMeta(owner, batchId), now());
    },

    async backlog() {
      const [depth, [oldest]] = await Promise.all([waiting(), redis.zrange(keys.unfinished, "0", "0")]);
      const score = oldest === undefined ? null : await redis.zscore(keys.unfinished, oldest);
      const createdAt = score === null ? undefined : Number(score);
      return {
        depth,
        oldestWaitingSeconds: createdAt === undefined ? 0 : Math.max(0, (now() - createdAt) / 1000),
      };
    },

    async deadLetters(limit = 100) {
      const entries = await redis.lrange(keys.deadLetters, 0, Math.max(0, limit - 1));
      return entries.map((entry) => JSON.parse(entry) as DeadLetter);
    },

    async close() {
      await Promise.all([queue.close(), notify.close()]);
    },
  };
}
