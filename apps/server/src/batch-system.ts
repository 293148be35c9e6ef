import {
  type BatchStore,
  type BatchWorker,
  batchRateLimit,
  checkEvictionPolicy,
  createBatchStore,
  createBatchWorker,
  type EvictionPolicyCheck,
  type ItemError,
  type ItemEvent,
  type NotificationPolicy,
} from "@promptreg/batches";
import { createRunPipeline, type GatewayPort, type RunPipeline } from "@promptreg/runtime";
import { type SendWebhookOptions, sendWebhook, WebhookDeliveryError } from "@promptreg/webhooks";
import { Redis } from "ioredis";
import { Counter, Gauge } from "prom-client";
import type { ServerConfig } from "./config.js";
import type { ServerError } from "./errors/server-error.js";
import type { Logger } from "./http/logger.js";
import { createUsageMetrics, type ServerMetrics } from "./http/metrics.js";
import { packageErrorMappers } from "./http/package-errors.js";
import { createErrorConverter } from "./http/to-server-error.js";
import type { CredentialSet } from "./logic/credentials.js";
import type { BatchQueueHealth } from "./logic/readiness.js";
import type { RegistryHolder } from "./logic/registry-holder.js";
import { requireRegistry } from "./routes/require-registry.js";
import { requireGateway } from "./routes/run-context.js";

/** The batch store for the routes, and the worker when this process runs one; undefined without REDIS_URL. */
export interface BatchSystem {
  store: BatchStore;
  worker: BatchWorker | undefined;
  /**
   * Whether the queue's Redis never evicts keys (BullMQ needs maxmemory-policy noeviction), read once at start:
   * not ok with `redis_eviction_policy` when it may evict; ok when CONFIG is refused (logged as a warning).
   */
  ready(): Promise<BatchQueueHealth>;
  /** Stops the worker (running items finish), then the store and the Redis connections. */
  close(): Promise<void>;
}

/**
 * An item's failure as the caller sees it: the same code, type and message /v1/run would answer. Retryable when a
 * later attempt may succeed: rate limits, timeouts, upstream and availability failures (not 501, not caller errors).
 */
export function itemErrorFrom(problem: ServerError): ItemError {
  const retryable =
    problem.status === 408 || problem.status === 429 || (problem.status >= 500 && problem.status !== 501);
  return {
    code: problem.code,
    type: problem.type,
    message: problem.message,
    retryable,
    ...(problem.details ? { details: problem.details } : {}),
  };
}

/** The run pipeline over whatever registry is serving when an item starts (reloads apply to the next item). */
function currentPipeline({
  registry,
  gateway,
  config,
}: {
  registry: RegistryHolder;
  gateway: () => GatewayPort | undefined;
  config: ServerConfig;
}): Pick<RunPipeline, "resolve" | "run"> {
  const pipeline = () => {
    const loaded = requireRegistry(registry);
    return createRunPipeline({
      registry: loaded.registry,
      renderer: loaded.renderer,
      gateway: requireGateway(gateway()),
      repairAttempts: config.outputRepairAttempts,
      callDeadlineMs: config.gatewayDeadlineMs,
    });
  };
  return { resolve: (ref) => pipeline().resolve(ref), run: (request) => pipeline().run(request) };
}

/** What counting a finished item needs of it: its outcome, and the usage of a success. */
export interface ItemTally {
  owner: string;
  dimensions: Record<string, string>;
  result:
    | { status: "failed" | "cancelled" }
    | {
        status: "succeeded";
        resolved: { id: string; version: string };
        cost: number | null | undefined;
        usage: { promptTokens: number; completionTokens: number };
      };
}

/** Only what the counters read, so a worker thread sends a few fields per item rather than its whole output. */
export function itemTally({ owner, dimensions, result }: ItemEvent): ItemTally {
  return {
    owner,
    dimensions,
    result:
      result.status === "succeeded"
        ? {
            status: "succeeded",
            resolved: { id: result.resolved.id, version: result.resolved.version },
            cost: result.cost,
            usage: {
              promptTokens: result.usage.promptTokens,
              completionTokens: result.usage.completionTokens,
            },
          }
        : { status: result.status },
  };
}

/**
 * Counts finished batch items in `metrics`: `promptreg_batch_items_total` by outcome, and the tokens and cost of
 * successes by template, client and business dimension (the same counters interactive runs feed).
 */
export function createItemRecorder({
  metrics,
  dimensionNames,
}: {
  metrics: ServerMetrics;
  dimensionNames: readonly string[];
}): (event: ItemTally) => void {
  const usage = createUsageMetrics({ register: metrics.register, dimensionNames });
  const items = new Counter({
    name: "promptreg_batch_items_total",
    help: "Batch items finished by this process, by outcome (succeeded, failed, cancelled).",
    labelNames: ["outcome"],
    registers: [metrics.register],
  });
  return ({ owner, dimensions, result }) => {
    items.inc({ outcome: result.status });
    if (result.status !== "succeeded") return;
    usage.record({
      template: result.resolved.id,
      templateVersion: result.resolved.version,
      client: owner,
      dimensions,
      costUsd: result.cost ?? undefined,
      promptTokens: result.usage.promptTokens,
      completionTokens: result.usage.completionTokens,
    });
  };
}

function redisClient(config: NonNullable<ServerConfig["redis"]>, logger: Logger, role: string): Redis {
  // BullMQ needs unlimited retries per command: its workers block on Redis and must survive a reconnect.
  const client = new Redis(config.url, {
    maxRetriesPerRequest: null,
    connectTimeout: config.connectTimeoutMs,
    connectionName: `promptreg-${role}`,
  });
  client.on("error", (error) => logger.warn({ err: error.message, role }, "batch Redis connection error"));
  return client;
}

export function createBatchSystem({
  config,
  registry,
  gateway,
  logger,
  metrics,
  dimensionNames = [],
  runWorker = false,
  onItem,
  credentials,
  webhookOptions = {},
}: {
  config: ServerConfig;
  registry: RegistryHolder;
  gateway: () => GatewayPort | undefined;
  logger: Logger;
  metrics: ServerMetrics;
  dimensionNames?: readonly string[];
  /**
   * Run the worker on this event loop: `pnpm worker` and the service's worker thread do; the service itself runs its
   * worker on a thread (batch-thread/), so it passes false.
   */
  runWorker?: boolean;
  /** Where finished items are counted; default this process's metrics (the worker thread sends them to the service). */
  onItem?: ((event: ItemEvent) => void) | undefined;
  /** The client credentials that sign each batch's completion webhook (its owner's). */
  credentials?: Pick<CredentialSet, "lookupSecrets"> | undefined;
  /** Retry timing of the completion webhooks (tests shorten it); default @promptreg/batches' notification policy. */
  webhookOptions?: {
    policy?: Partial<NotificationPolicy>;
    attemptTimeoutMs?: SendWebhookOptions["attemptTimeoutMs"];
  };
}): BatchSystem | undefined {
  const redisConfig = config.redis;
  if (!redisConfig) return undefined;
  const { batches } = config;
  const storeRedis = redisClient(redisConfig, logger, "batch-store");
  const store = createBatchStore({
    redis: storeRedis,
    keyPrefix: redisConfig.keyPrefix,
    limits: batches.limits,
    retry: { attempts: batches.attempts, backoffMs: batches.backoffMs },
  });

  let policy: Promise<EvictionPolicyCheck | undefined> | undefined;
  /**
   * Reads maxmemory-policy once (logged as an error when Redis may evict, a warning when CONFIG is refused). A Redis
   * that does not answer within the command timeout leaves it unknown, to be read again on the next readiness check
   * (the shared-state check reports the outage itself).
   */
  const readPolicy = (): Promise<EvictionPolicyCheck | undefined> => {
    if (policy) return policy;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), redisConfig.commandTimeoutMs);
    });
    const read = checkEvictionPolicy(storeRedis).then(
      (result) => {
        if (result.status === "wrong") {
          logger.error(
            { setting: result.error.setting, policy: result.error.policy, err: result.error.message },
            "batch queue Redis may evict keys: not ready",
          );
        } else if (result.status === "unknown") {
          logger.warn(
            { setting: "maxmemory-policy", reason: result.reason },
            "batch queue Redis: maxmemory-policy cannot be read; make sure it is noeviction",
          );
        }
        return result;
      },
      () => undefined,
    );
    const current = Promise.race([read, timeout]).then((result) => {
      clearTimeout(timer);
      if (result === undefined) policy = undefined;
      return result;
    });
    policy = current;
    return current;
  };
  void readPolicy();

  let backlog: Promise<{ depth: number; oldestWaitingSeconds: number }> | undefined;
  /** One backlog read per scrape, shared by both gauges. */
  const readBacklog = () => {
    backlog ??= store.backlog().finally(() => {
      backlog = undefined;
    });
    return backlog;
  };
  new Gauge({
    name: "promptreg_batch_queue_depth",
    help: "Batch items waiting in the queue (queued, prioritised, or delayed for a retry).",
    registers: [metrics.register],
    async collect() {
      this.set((await readBacklog()).depth);
    },
  });
  new Gauge({
    name: "promptreg_batch_oldest_waiting_seconds",
    help: "Age of the oldest unfinished batch in seconds (0 when none waits).",
    registers: [metrics.register],
    async collect() {
      this.set((await readBacklog()).oldestWaitingSeconds);
    },
  });

  /**
   * One delivery attempt of the completion webhook to the batch's callbackUrl, signed with the owner's client
   * credential (its current secret). It runs as a job of the batch webhook queue, so whichever worker process takes
   * it delivers it, and its retries (the core backoff, or the receiver's Retry-After) survive the worker that
   * finished the batch. Throws to be retried; returns when there is nothing to retry.
   */
  async function deliverWebhook({
    batchId,
    owner,
    attempt,
  }: {
    batchId: string;
    owner: string;
    attempt: number;
  }): Promise<void> {
    const status = await store.status(owner, batchId);
    if (!status.callbackUrl) return;
    const secret = credentials?.lookupSecrets(owner)?.[0];
    if (secret === undefined) {
      logger.warn(
        { batchId, keyId: owner },
        "batch webhook not sent: this process has no credential for its client",
      );
      return;
    }
    try {
      const delivery = await sendWebhook({
        url: status.callbackUrl,
        event: status.status === "cancelled" ? "batch.cancelled" : "batch.completed",
        deliveryId: batchId,
        data: status,
        credential: { keyId: owner, secret },
        maxAttempts: 1,
        previousAttempts: attempt - 1,
        ...(webhookOptions.attemptTimeoutMs === undefined
          ? {}
          : { attemptTimeoutMs: webhookOptions.attemptTimeoutMs }),
      });
      logger.info(
        { batchId, attempts: delivery.attempts, status: delivery.status },
        "batch webhook delivered",
      );
    } catch (error) {
      if (error instanceof TypeError) {
        // A callbackUrl the sender cannot use, or an oversized body: another attempt would fail the same way.
        logger.warn({ batchId, err: error.message }, "batch webhook not delivered");
        return;
      }
      if (WebhookDeliveryError.isInstance(error)) {
        logger.info(
          { batchId, attempt, reason: error.reason, lastStatus: error.lastStatus, err: error.message },
          "batch webhook attempt failed",
        );
      }
      throw error;
    }
  }

  function webhookGaveUp({ batchId }: { batchId: string }, error: unknown): void {
    logger.warn(
      WebhookDeliveryError.isInstance(error)
        ? {
            batchId,
            reason: error.reason,
            attempts: error.attempts,
            lastStatus: error.lastStatus,
            err: error.message,
          }
        : { batchId, err: (error as Error).message },
      "batch webhook not delivered",
    );
  }

  let worker: BatchWorker | undefined;
  let workerRedis: Redis | undefined;
  if (runWorker) {
    const convert = createErrorConverter(packageErrorMappers);
    workerRedis = redisClient(redisConfig, logger, "batch-worker");
    worker = createBatchWorker({
      redis: workerRedis,
      keyPrefix: redisConfig.keyPrefix,
      pipeline: currentPipeline({ registry, gateway, config }),
      concurrency: batches.concurrency,
      rateLimit: batchRateLimit({
        capacity: batches.gatewayCapacity,
        interactiveReserve: batches.interactiveReserve,
      }),
      itemTimeoutMs: config.requestTimeoutMs,
      limits: batches.limits,
      lockMs: batches.lockMs,
      describeError: (error) => itemErrorFrom(convert(error)),
      onItem: onItem ?? createItemRecorder({ metrics, dimensionNames }),
      onBatchFinished: ({ batchId }) => logger.info({ batchId }, "batch finished"),
      notifications: {
        deliver: deliverWebhook,
        policy: webhookOptions.policy,
        onGaveUp: webhookGaveUp,
      },
      onError: (error) => logger.warn({ err: (error as Error).message }, "batch worker error"),
    });
  }

  return {
    store,
    worker,
    async ready() {
      const result = await readPolicy();
      return result?.status === "wrong"
        ? { ok: false, code: result.error.code, reason: result.error.message }
        : { ok: true };
    },
    async close() {
      await worker?.close();
      await store.close();
      workerRedis?.disconnect();
      storeRedis.disconnect();
    },
  };
}
