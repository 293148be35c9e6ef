import { retryDelay } from "@promptreg/core";
import { type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { BatchKeys } from "./batch-keys.js";
import { NOTIFY_QUEUE_NAME } from "./batch-keys.js";

/** A batch whose last item was recorded, and whose owner's callbackUrl is to be told. */
export interface FinishedBatch {
  batchId: string;
  owner: string;
}

/**
 * Deliveries of the completion webhook. Each job attempt is one HTTP delivery; between attempts BullMQ waits the
 * core retry delay (full-jitter exponential backoff, or the receiver's Retry-After plus jitter), so a delivery
 * whose worker died is taken over by another worker after the lock duration, and its retries go on there.
 */
export interface NotificationPolicy {
  /** Backoff before the second attempt (the window doubles each time up to `maxDelayMs`). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After honoured; a longer one is capped to it (a job can wait; an HTTP call could not). */
  maxRetryAfterMs: number;
}

/** Attempts of one webhook in all: with the default policy, about 30 minutes of retries at worst. */
export const NOTIFICATION_ATTEMPTS = 12;

export const DEFAULT_NOTIFICATION_POLICY: Readonly<NotificationPolicy> = {
  baseDelayMs: 1_000,
  maxDelayMs: 10 * 60_000,
  maxRetryAfterMs: 60 * 60_000,
};

/** The custom BullMQ backoff type of notification jobs (computed by the worker's `backoffStrategy`). */
const BACKOFF_TYPE = "promptreg-webhook";

export function notificationQueue(redis: Redis, keys: BatchKeys): Queue<FinishedBatch> {
  return new Queue<FinishedBatch>(NOTIFY_QUEUE_NAME, { connection: redis, prefix: keys.queuePrefix });
}

/**
 * Queues the completion webhook of a finished batch. The job id is the batch id, so adding it again (a re-delivered
 * last item, the worker that finished the batch dying before it queued this) is a no-op while the job is kept:
 * finished jobs are kept as long as the batch's results.
 */
export async function enqueueNotification(
  queue: Queue<FinishedBatch>,
  { batch, keepSeconds }: { batch: FinishedBatch; keepSeconds: number },
): Promise<void> {
  await queue.add("batch-finished", batch, {
    jobId: batch.batchId,
    attempts: NOTIFICATION_ATTEMPTS,
    backoff: { type: BACKOFF_TYPE },
    removeOnComplete: { age: keepSeconds },
    removeOnFail: { age: keepSeconds },
  });
}

export interface NotificationWorkerOptions {
  redis: Redis;
  keys: BatchKeys;
  /**
   * One delivery attempt (`attempt` counts from 1 across workers). Throw to retry later; an error with
   * `retryable: false` ends the delivery at once. An error may carry `retryAfterMs`, the receiver's requested wait.
   */
  deliver: (batch: FinishedBatch & { attempt: number }) => Promise<void>;
  policy?: Partial<NotificationPolicy> | undefined;
  lockMs: number;
  /** Called once when a delivery gives up for good (attempts spent, or a final error). */
  onGaveUp?: ((batch: FinishedBatch, error: unknown) => void) | undefined;
  onError?: ((error: unknown) => void) | undefined;
  random?: () => number;
}

/** The BullMQ worker that delivers completion webhooks; any worker process may run one. */
export function createNotificationWorker(options: NotificationWorkerOptions): Worker<FinishedBatch> {
  const policy: NotificationPolicy = { ...DEFAULT_NOTIFICATION_POLICY, ...options.policy };
  const random = options.random ?? Math.random;

  async function process(job: Job<FinishedBatch>): Promise<void> {
    try {
      await options.deliver({ ...job.data, attempt: job.attemptsMade + 1 });
    } catch (error) {
      if ((error as { retryable?: unknown }).retryable === false) {
        // BullMQ keeps only the message of a final error; the caller's onGaveUp gets the error itself below.
        finalErrors.set(job.id as string, error);
        throw new UnrecoverableError((error as Error).message);
      }
      throw error;
    }
  }

  const finalErrors = new Map<string, unknown>();
  const worker = new Worker<FinishedBatch>(NOTIFY_QUEUE_NAME, process, {
    connection: options.redis,
    prefix: options.keys.queuePrefix,
    concurrency: 4,
    lockDuration: options.lockMs,
    stalledInterval: options.lockMs,
    settings: {
      backoffStrategy: (attemptsMade, _type, error) => {
        const requested = (error as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
        const retryAfterMs =
          typeof requested === "number" ? Math.min(requested, policy.maxRetryAfterMs) : undefined;
        const delay = retryDelay({ retry: attemptsMade, retryAfterMs, ...policy, random });
        return Math.round(delay?.delayMs ?? policy.maxRetryAfterMs);
      },
    },
  });
  worker.on("error", (error) => options.onError?.(error));
  worker.on("failed", (job, error) => {
    if (!job) return;
    const final = finalErrors.get(job.id as string);
    finalErrors.delete(job.id as string);
    if (final === undefined && job.attemptsMade < (job.opts.attempts ?? 1)) return;
    options.onGaveUp?.(job.data, final ?? error);
  });
  return worker;
}
