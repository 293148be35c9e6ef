import type { RunPipeline, RunResult } from "@promptreg/runtime";
import { type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { RateLimiterRedis } from "rate-limiter-flexible";
import { batchKeys, DEFAULT_KEY_PREFIX, QUEUE_NAME } from "./batch-keys.js";
import { type BatchLimits, DEFAULT_BATCH_LIMITS } from "./batch-limits.js";
import {
  createNotificationWorker,
  enqueueNotification,
  type FinishedBatch,
  type NotificationPolicy,
  notificationQueue,
} from "./batch-notifications.js";
import type { ItemJobData } from "./batch-store.js";
import type { ItemError, ItemResult } from "./batch-types.js";
import { describeErrorByFields } from "./describe-error.js";
import { type RecordOutcome, recordItem } from "./record-item.js";
import { requestWindow } from "./request-window.js";

/**
 * The gateway capacity batches may use: the gateway's own limits minus the share kept for interactive traffic
 * (see `batchRateLimit`). Requests count items started; tokens count what the finished items used.
 */
export interface BatchRateLimit {
  requestsPerMinute: number;
  tokensPerMinute: number;
}

/** The batch share of a gateway's capacity: `(1 - interactiveReserve)` of each limit, at least 1. */
export function batchRateLimit({
  capacity,
  interactiveReserve,
}: {
  capacity: BatchRateLimit;
  interactiveReserve: number;
}): BatchRateLimit {
  const share = 1 - interactiveReserve;
  return {
    requestsPerMinute: Math.max(1, Math.floor(capacity.requestsPerMinute * share)),
    tokensPerMinute: Math.max(1, Math.floor(capacity.tokensPerMinute * share)),
  };
}

/** One finished item, for the host's metrics (tokens and cost by dimension). */
export interface ItemEvent {
  batchId: string;
  owner: string;
  dimensions: Record<string, string>;
  result: Exclude<ItemResult, { status: "pending" }>;
}

export interface BatchWorkerOptions {
  /** A connected ioredis client (`maxRetriesPerRequest: null`); BullMQ duplicates it for its blocking reads. */
  redis: Redis;
  /** The store's key prefix. Default `promptreg:`. */
  keyPrefix?: string | undefined;
  pipeline: Pick<RunPipeline, "resolve" | "run">;
  /** Items run at once by this worker process. */
  concurrency: number;
  rateLimit: BatchRateLimit;
  /** The deadline of one item's run, repairs included. */
  itemTimeoutMs: number;
  limits?: Partial<BatchLimits> | undefined;
  /** How long a worker holds an item before another may take it over (a killed worker's items wait this long). */
  lockMs?: number | undefined;
  describeError?: ((error: unknown) => ItemError) | undefined;
  onItem?: ((event: ItemEvent) => void) | undefined;
  /** Called once per batch, by the worker whose write finished it (for logs; the webhook is a queued job). */
  onBatchFinished?: ((batch: FinishedBatch) => void | Promise<void>) | undefined;
  /**
   * Delivers the completion webhooks of finished batches that have a callbackUrl, from their own queue (see
   * `createNotificationWorker`): any worker process with this option takes them, so a delivery outlives the worker
   * that finished the batch. Without it this process queues webhooks but delivers none.
   */
  notifications?:
    | {
        deliver: (batch: FinishedBatch & { attempt: number }) => Promise<void>;
        policy?: Partial<NotificationPolicy> | undefined;
        onGaveUp?: ((batch: FinishedBatch, error: unknown) => void) | undefined;
      }
    | undefined;
  onError?: ((error: unknown) => void) | undefined;
  now?: () => number;
}

export interface BatchWorker {
  /** Stops taking items, lets the running ones finish (BullMQ's graceful close). */
  close(): Promise<void>;
}

/** One tokens budget shared by every worker of the deployment. */
const TOKEN_BUDGET_KEY = "all";

/**
 * A BullMQ worker that runs batch items through the run pipeline. Delivery is at least once; recording is exactly
 * once (`recordItem`), and a re-delivered item whose result is already written is skipped without a gateway call.
 * A retryable failure with attempts left is thrown back to BullMQ (exponential backoff); any other failure is
 * recorded as the item's typed error and added to the dead-letter list.
 */
export function createBatchWorker(options: BatchWorkerOptions): BatchWorker {
  const { redis, pipeline, now = Date.now } = options;
  const limits: BatchLimits = { ...DEFAULT_BATCH_LIMITS, ...options.limits };
  const describe = options.describeError ?? describeErrorByFields;
  const keys = batchKeys(options.keyPrefix ?? DEFAULT_KEY_PREFIX);
  const tokens = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: keys.tokenLimiter,
    points: options.rateLimit.tokensPerMinute,
    duration: 60,
  });

  const notify = notificationQueue(redis, keys);
  const lockMs = options.lockMs ?? 30_000;

  /** Queues the batch's completion webhook when it has a callbackUrl (a no-op if already queued). */
  async function queueWebhook(batch: FinishedBatch, callbackUrl: string | null | undefined): Promise<void> {
    if (!callbackUrl) return;
    await enqueueNotification(notify, { batch, keepSeconds: limits.resultTtlSeconds });
  }

  async function record(
    batchId: string,
    result: Exclude<ItemResult, { status: "pending" }>,
    meta: { owner: string; dimensions: Record<string, string>; callbackUrl?: string | null | undefined },
    deadLetter?: boolean,
  ): Promise<RecordOutcome> {
    const outcome = await recordItem(redis, {
      keys,
      batchId,
      result,
      deadLetter:
        deadLetter && result.status === "failed"
          ? {
              batchId,
              index: result.index,
              ref: result.ref,
              error: result.error,
              attempts: result.attempts,
              failedAt: result.finishedAt,
            }
          : undefined,
      resultTtlSeconds: limits.resultTtlSeconds,
      deadLetterCapacity: limits.deadLetterCapacity,
      now: now(),
    });
    if (outcome === "recorded" || outcome === "batch_finished") {
      options.onItem?.({ batchId, owner: meta.owner, dimensions: meta.dimensions, result });
    }
    if (outcome === "batch_finished") {
      await queueWebhook({ batchId, owner: meta.owner }, meta.callbackUrl);
      await options.onBatchFinished?.({ batchId, owner: meta.owner });
    }
    return outcome;
  }

  function succeeded(job: Job<ItemJobData>, run: RunResult): Exclude<ItemResult, { status: "pending" }> {
    const result = {
      index: job.data.index,
      ref: job.data.ref,
      metadata: job.data.metadata,
      status: "succeeded" as const,
      resolved: run.ref,
      output: run.output,
      usage: run.usage,
      cost: run.cost,
      latencyMs: Math.round(run.latencyMs),
      repairs: run.repairs,
      provider: { ...run.metadata },
      attempts: job.attemptsMade + 1,
      finishedAt: new Date(now()).toISOString(),
    };
    const bytes = Buffer.byteLength(JSON.stringify(result));
    if (bytes <= limits.maxResultBytes) return result;
    return {
      index: job.data.index,
      ref: job.data.ref,
      metadata: job.data.metadata,
      status: "failed",
      attempts: job.attemptsMade + 1,
      finishedAt: result.finishedAt,
      error: {
        code: "result_too_large",
        type: "upstream_error",
        retryable: false,
        message: `The item's result takes ${bytes} bytes, over the budget of ${limits.maxResultBytes} bytes per stored result (PROMPTREG_BATCH_MAX_RESULT_BYTES).`,
        details: { bytes, maxBytes: limits.maxResultBytes },
      },
    };
  }

  async function processItem(job: Job<ItemJobData>, _token?: string, signal?: AbortSignal): Promise<void> {
    const { batchId, index } = job.data;
    const [meta, existing] = await Promise.all([
      redis.hmget(
        keys.batch(batchId),
        "owner",
        "dimensions",
        "cancelRequested",
        "startedAt",
        "callbackUrl",
        "finishedAt",
      ),
      redis.hexists(keys.results(batchId), String(index)),
    ]);
    const [owner, dimensionsJson, cancelRequested, startedAt, callbackUrl, batchFinishedAt] = meta;
    // Expired batch: nothing to do.
    if (owner === null || owner === undefined) return;
    if (existing === 1) {
      // Recorded by a worker that died before BullMQ heard of it. If that write finished the batch, the worker may
      // have died before it queued the webhook: queue it (a no-op when it did).
      if (batchFinishedAt) await queueWebhook({ batchId, owner }, callbackUrl);
      return;
    }
    const batchMeta = {
      owner,
      dimensions: JSON.parse(dimensionsJson ?? "{}") as Record<string, string>,
      callbackUrl,
    };
    const finishedAt = () => new Date(now()).toISOString();
    if (cancelRequested !== null) {
      await record(
        batchId,
        {
          index,
          ref: job.data.ref,
          metadata: job.data.metadata,
          status: "cancelled",
          finishedAt: finishedAt(),
        },
        batchMeta,
      );
      return;
    }
    const used = await tokens.get(TOKEN_BUDGET_KEY);
    if (used && used.consumedPoints >= options.rateLimit.tokensPerMinute) {
      await worker.rateLimit(Math.max(1, used.msBeforeNext));
      throw Worker.RateLimitError();
    }
    if (startedAt === null) await redis.hsetnx(keys.batch(batchId), "startedAt", String(now()));
    try {
      const version = pipeline.resolve(job.data.ref);
      const run = await pipeline.run({
        version,
        input: job.data.input,
        signal,
        deadlineAt: now() + options.itemTimeoutMs,
        idempotencyKey: `promptreg-${batchId}-${index}`,
      });
      if (run.usage.totalTokens > 0) await tokens.penalty(TOKEN_BUDGET_KEY, run.usage.totalTokens);
      await record(batchId, succeeded(job, run), batchMeta);
    } catch (error) {
      const described = describe(error);
      const attempts = job.attemptsMade + 1;
      if (described.retryable && attempts < (job.opts.attempts ?? 1)) throw error;
      await record(
        batchId,
        {
          index,
          ref: job.data.ref,
          metadata: job.data.metadata,
          status: "failed",
          error: described,
          attempts,
          finishedAt: finishedAt(),
        },
        batchMeta,
        true,
      );
    }
  }

  const worker: Worker<ItemJobData> = new Worker<ItemJobData>(QUEUE_NAME, processItem, {
    connection: redis,
    prefix: keys.queuePrefix,
    concurrency: options.concurrency,
    limiter: requestWindow(options.rateLimit.requestsPerMinute),
    lockDuration: lockMs,
    // Look for a dead worker's items as often as a lock can expire, so they wait about one lock duration.
    stalledInterval: lockMs,
    // A worker killed mid-item makes its item stall; it is taken over, up to this many times, before failing.
    maxStalledCount: 5,
  });
  worker.on("error", (error) => options.onError?.(error));
  // An item BullMQ itself failed for good (stalled too often): record it as a typed error so the batch finishes.
  worker.on("failed", (job, error) => {
    if (!job) return;
    void (async () => {
      if (!(await job.isFailed())) return;
      const [owner, callbackUrl] = await redis.hmget(keys.batch(job.data.batchId), "owner", "callbackUrl");
      if (owner === null || owner === undefined) return;
      const described = describe(error);
      await record(
        job.data.batchId,
        {
          index: job.data.index,
          ref: job.data.ref,
          metadata: job.data.metadata,
          status: "failed",
          error: described,
          attempts: job.attemptsMade,
          finishedAt: new Date(now()).toISOString(),
        },
        { owner, dimensions: {}, callbackUrl },
        true,
      );
    })().catch((failure) => options.onError?.(failure));
  });

  const webhooks =
    options.notifications &&
    createNotificationWorker({
      redis,
      keys,
      deliver: options.notifications.deliver,
      policy: options.notifications.policy,
      lockMs,
      onGaveUp: options.notifications.onGaveUp,
      onError: options.onError,
    });

  return {
    async close() {
      await Promise.all([worker.close(), webhooks?.close()]);
      await notify.close();
    },
  };
}
