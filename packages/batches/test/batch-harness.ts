import { createGatewayClient, type GatewayClient } from "@promptreg/gateway";
import { createMockGateway, DEFAULT_MODELS, type MockGateway } from "@promptreg/mock-gateway";
import { loadRegistryFromDir } from "@promptreg/registry";
import { createRenderer } from "@promptreg/renderer";
import { createRunPipeline, type RunPipeline } from "@promptreg/runtime";
import { type RedisHandle, startRedis } from "@promptreg/test-kit";
import { Redis } from "ioredis";
import { type BatchStore, type BatchWorker, createBatchStore, createBatchWorker } from "../src/index.js";

type StoreOptions = Omit<Parameters<typeof createBatchStore>[0], "redis">;
type WorkerOptions = Omit<Parameters<typeof createBatchWorker>[0], "redis" | "pipeline">;

export const FIXTURES = new URL("../src/__fixtures__/templates/", import.meta.url).pathname;

/** Redis (the test-kit's), the mock gateway, a gateway client that does not retry by itself, and the pipeline. */
export interface BatchHarness {
  redisHandle: RedisHandle;
  redis: Redis;
  mock: MockGateway;
  gateway: GatewayClient;
  pipeline: RunPipeline;
  /** A key prefix of its own per call, so each test has its own queue on the shared server. */
  prefix(): string;
  /** A store on the harness's Redis, closed by `closeOpen`. */
  store(options: StoreOptions): BatchStore;
  /**
   * A worker on the harness's Redis and pipeline, closed by `closeOpen`: concurrency 4, a rate limit no test reaches
   * and a 30 s item timeout unless `options` says otherwise.
   */
  worker(options: Pick<WorkerOptions, "keyPrefix"> & Partial<WorkerOptions>): BatchWorker;
  /** Has `closeOpen` close `closable` too (a queue a test opens itself). */
  track<T extends { close(): Promise<void> }>(closable: T): T;
  /** Closes every store, worker and tracked object since the last call, newest first (an afterEach). */
  closeOpen(): Promise<void>;
  close(): Promise<void>;
}

export function connectRedis(url: string): Redis {
  // BullMQ's workers need unlimited retries per command (they block on Redis and must survive a reconnect).
  const client = new Redis(url, { maxRetriesPerRequest: null });
  // A test that restarts Redis makes every client see connection errors until it reconnects; they are expected.
  client.on("error", () => {});
  return client;
}

export async function startBatchHarness({
  persistent = false,
  latencyMs = 0,
}: {
  /** An own redis-server that keeps its data across restart(). */
  persistent?: boolean;
  /** The mock gateway's time to first byte, so items are in flight long enough to be interrupted. */
  latencyMs?: number;
} = {}): Promise<BatchHarness> {
  const redisHandle = await startRedis(persistent ? { dedicated: true, persistent: true } : {});
  const redis = connectRedis(redisHandle.url);
  // Fault scripts count requests per Idempotency-Key, so an item's retries walk its model's script.
  const mock = await createMockGateway({
    port: 0,
    latencyMs: { firstByte: latencyMs },
    models: [...DEFAULT_MODELS, "test/flaky", "test/down"],
    rules: [
      { match: { model: "test/flaky" }, faults: ["500", "ok"] },
      { match: { model: "test/down" }, faults: Array.from({ length: 8 }, () => "500") },
    ],
  });
  const gateway = createGatewayClient({ baseUrl: mock.url, apiKey: "test-key", retry: { maxAttempts: 1 } });
  const registry = await loadRegistryFromDir(FIXTURES);
  const pipeline = createRunPipeline({
    registry,
    renderer: createRenderer({ registry }),
    gateway,
    repairAttempts: 0,
  });
  let n = 0;
  const open: { close(): Promise<void> }[] = [];
  const track = <T extends { close(): Promise<void> }>(closable: T): T => {
    open.push(closable);
    return closable;
  };
  return {
    redisHandle,
    redis,
    mock,
    gateway,
    pipeline,
    prefix: () => `${redisHandle.keyPrefix}${n++}:`,
    track,
    store: (options) => track(createBatchStore({ redis, ...options })),
    worker: (options) =>
      track(
        createBatchWorker({
          redis,
          pipeline,
          concurrency: 4,
          rateLimit: { requestsPerMinute: 60_000, tokensPerMinute: 10_000_000 },
          itemTimeoutMs: 30_000,
          ...options,
        }),
      ),
    async closeOpen() {
      for (const closable of open.splice(0).reverse()) await closable.close();
    },
    async close() {
      redis.disconnect();
      await gateway.close();
      await mock.close();
      await redisHandle.stop();
    },
  };
}
