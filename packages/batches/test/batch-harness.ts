import { createGatewayClient, type GatewayClient } from "@promptreg/gateway";
import { createMockGateway, DEFAULT_MODELS, type MockGateway } from "@promptreg/mock-gateway";
import { loadRegistryFromDir } from "@promptreg/registry";
import { createRenderer } from "@promptreg/renderer";
import { createRunPipeline, type RunPipeline } from "@promptreg/runtime";
import { type RedisHandle, startRedis } from "@promptreg/test-kit";
import { Redis } from "ioredis";

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
  close(): Promise<void>;
}

export function connectRedis(url: string): Redis {
  // BullMQ's workers need unlimited retries per command (they block on Redis and must survive a reconnect).
  return new Redis(url, { maxRetriesPerRequest: null });
}

export async function startBatchHarness({
  dedicated = false,
}: {
  dedicated?: boolean;
} = {}): Promise<BatchHarness> {
  const redisHandle = await startRedis({ dedicated });
  const redis = connectRedis(redisHandle.url);
  // Fault scripts count requests per Idempotency-Key, so an item's retries walk its model's script.
  const mock = await createMockGateway({
    port: 0,
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
  return {
    redisHandle,
    redis,
    mock,
    gateway,
    pipeline,
    prefix: () => `${redisHandle.keyPrefix}${n++}:`,
    async close() {
      redis.disconnect();
      await gateway.close();
      await mock.close();
      await redisHandle.stop();
    },
  };
}
