import { lowerBatchPriority } from "./batch-niceness.js";
import { createBatchSystem } from "./batch-system.js";
import { configFromEnvOrExit } from "./config-from-env.js";
import { createLogger, createStdoutLogOutput } from "./http/logger.js";
import { createServerMetrics } from "./http/metrics.js";
import { createCredentialSet } from "./logic/credentials.js";
import { createRedisConnection } from "./redis/redis-connection.js";
import { connectGateway, createServiceRegistry, loadClientKeys } from "./service.js";
import { startWorkerHttp } from "./worker-http.js";

/**
 * `pnpm worker`: a batch worker process without the API. It reads the service's configuration (REDIS_URL is required,
 * the gateway and templates as for the service), answers only /healthz, /readyz and /metrics on HOST and
 * PROMPTREG_WORKER_PORT (worker-http.ts), runs items until SIGTERM/SIGINT, then lets the running items finish. Run the service replicas with PROMPTREG_BATCH_WORKER=off when workers run on their own.
 */
async function main(): Promise<void> {
  const config = configFromEnvOrExit();
  if (!config.redis) {
    process.stderr.write(
      "pnpm worker: REDIS_URL is not set. Batch workers take their items from Redis; set REDIS_URL to the Redis the service uses (docs/batches.md).\n",
    );
    process.exit(1);
  }
  // Batch work yields the CPU to interactive calls on the same machine (PROMPTREG_BATCH_WORKER_NICE).
  const nice = lowerBatchPriority({ nice: config.batches.workerNice, scope: "process" });
  const logOutput = createStdoutLogOutput();
  const logger = createLogger({ level: config.logLevel, destination: logOutput.destination });
  const metrics = createServerMetrics();
  const { gateway, simulated } = await connectGateway({
    config,
    name: "batch",
    logger,
    metrics,
    // Development only, as in main.ts: loaded on demand, never with a gateway key.
    simulatedGateway: async (options) =>
      (await import("./simulated-gateway.js")).startSimulatedGateway(options),
  });
  const registry = createServiceRegistry({ config, logger, metrics });
  const loaded = await registry.reload();
  if (!loaded.ok) {
    logger.fatal("the template tree does not load; the worker cannot run items");
    await logOutput.close();
    process.exit(1);
  }
  // The client credentials sign each batch's completion webhook (the batch owner's); without any configured
  // (development), webhooks are not sent and a warning says so.
  const credentials = createCredentialSet({
    keys: await loadClientKeys(config),
    defaultRequestsPerMinute: config.rateLimitPerMinute,
  });
  const system = createBatchSystem({
    config,
    registry,
    gateway: () => gateway,
    logger,
    metrics,
    runWorker: true,
    credentials,
    dimensionNames: credentials.dimensionNames,
  });
  // Health and metrics for the platform: this process's items, tokens, cost and gateway calls exist nowhere else.
  const redisHealth = createRedisConnection({ config: config.redis, logger });
  let stopping = false;
  const http = await startWorkerHttp({
    host: config.host,
    port: config.batches.workerPort,
    readiness: {
      registry,
      gatewayConfigured: () => gateway !== undefined,
      draining: () => stopping,
      sharedState: redisHealth,
      batchQueue: system,
    },
    metrics,
    logger,
  });
  logger.info(
    { concurrency: config.batches.concurrency, nice, simulatedGateway: !!simulated, endpoint: http.url },
    "batch worker started",
  );
  process.stderr.write(
    `promptreg batch worker ready (concurrency ${config.batches.concurrency}); health and metrics on ${http.url}\n`,
  );

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping: running items finish, no new ones are taken");
    await system?.close();
    await http.close();
    await redisHealth.close();
    await gateway?.close();
    await simulated?.close();
    await logOutput.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `promptreg batch worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
