import { type FSWatcher, watch } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  type ApiKeyProvider,
  commandApiKeyProvider,
  createGatewayClient,
  createPrometheusTelemetry,
  fileApiKeyProvider,
  type GatewayClient,
  type GatewayEventSink,
  runSecretCommand,
} from "@promptreg/gateway";
import {
  createFileSystemStore,
  createLoadCache,
  loadRegistry,
  loadRegistryFromBundleFile,
} from "@promptreg/registry";
import { createRenderer } from "@promptreg/renderer";
import { type ClientKeySet, createMemoryNonceStore, parseClientKeys } from "@promptreg/signing";
import type { Express } from "express";
import { createApp } from "./app.js";
import { type BatchSystem, createBatchSystem, createItemRecorder } from "./batch-system.js";
import { startBatchThread } from "./batch-thread/start-batch-thread.js";
import { CLIENT_KEYS_COMMAND_MAX_OUTPUT_BYTES, type ServerConfig } from "./config.js";
import type { Logger } from "./http/logger.js";
import { createServerMetrics, type ServerMetrics } from "./http/metrics.js";
import { createSignatureVerifier } from "./logic/authenticate.js";
import { createCredentialSet } from "./logic/credentials.js";
import { type DevClient, loadOrCreateDevClient } from "./logic/dev-client.js";
import { describeLoadFailure } from "./logic/problems.js";
import { createRegistryHolder, type RegistryHolder, type ReloadOutcome } from "./logic/registry-holder.js";
import { createRedisConnection } from "./redis/redis-connection.js";
import { createRedisNonceStore } from "./redis/redis-nonce-store.js";
import { createRedisRateLimitStore } from "./redis/redis-rate-limit-store.js";
import { createRedisStatsStore } from "./redis/redis-stats-store.js";
import type { RedisConfig } from "./redis-config.js";
import { createLifecycle, type Lifecycle } from "./routes/operations.js";

/** A gateway simulated for development (see simulated-gateway.ts): where it listens, and how to stop it. */
export interface SimulatedGateway {
  url: string;
  close(): Promise<void>;
}

export interface Service {
  app: Express;
  registry: RegistryHolder;
  metrics: ServerMetrics;
  lifecycle: Lifecycle;
  /** `none`: no key and no simulated gateway; runs answer 503 and /readyz is not ready. */
  gatewayMode: "configured" | "simulated" | "none";
  /** Set when no client keys are configured outside production. */
  devClient?: DevClient;
  /** Records the address actually bound (port 0 picks one) in the dev-client file. */
  announce(publicUrl: string): Promise<void>;
  /** Stops the file watcher and the in-process simulated gateway. */
  close(): Promise<void>;
}

export async function loadClientKeys(config: ServerConfig): Promise<ClientKeySet | undefined> {
  if (config.clientKeys.command) {
    // Read once at start, like the file: a credentials change rolls the deployment (docs/operations.md).
    const text = await runSecretCommand({
      argv: config.clientKeys.command,
      source: "PROMPTREG_CLIENT_KEYS_COMMAND",
      timeoutMs: config.secretCommandTimeoutMs,
      maxOutputBytes: CLIENT_KEYS_COMMAND_MAX_OUTPUT_BYTES,
    });
    return parseClientKeys(text, { source: "PROMPTREG_CLIENT_KEYS_COMMAND" });
  }
  if (config.clientKeys.file) {
    const text = await readFile(config.clientKeys.file, "utf8");
    return parseClientKeys(text, { source: config.clientKeys.file });
  }
  if (config.clientKeys.inline) {
    return parseClientKeys(config.clientKeys.inline, { source: "PROMPTREG_CLIENT_KEYS", format: "env" });
  }
  return undefined;
}

/**
 * Where the gateway key comes from: a secret manager's command (run once here, so a broken command stops the start
 * with its program name and exit code), a mounted file, or the variable. Undefined when none is configured.
 */
async function gatewayKeyProvider(config: ServerConfig, logger: Logger): Promise<ApiKeyProvider | undefined> {
  const { apiKeyCommand, apiKeyFile } = config.gateway;
  if (apiKeyCommand) {
    const provider = commandApiKeyProvider({
      argv: apiKeyCommand,
      source: "GATEWAY_API_KEY_COMMAND",
      ttlMs: config.gateway.apiKeyCommandTtlMs,
      timeoutMs: config.secretCommandTimeoutMs,
      onStaleKey: (error) =>
        logger.warn(
          { err: error.toJSON() },
          "GATEWAY_API_KEY_COMMAND failed to refresh the gateway key; the previous key is still in use",
        ),
    });
    await provider.getKey();
    return provider;
  }
  if (apiKeyFile) return fileApiKeyProvider(apiKeyFile, { ttlMs: 60_000 });
  return undefined;
}

/**
 * The first whole second this process can vouch for: timestamps from it on were signed after the nonce memory
 * began. Waits for that second to start (at most 1 s, usually hidden behind loading templates), so a client with
 * a synchronised clock is never refused for signing in the same second the process started.
 */
async function nonceMemoryStart(): Promise<number> {
  const notBeforeSeconds = Math.ceil(Date.now() / 1000);
  const wait = notBeforeSeconds * 1000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  return notBeforeSeconds;
}

/** Nonces, rate limits and stats on one Redis connection, shared by every replica (REDIS_URL). */
function sharedStateOnRedis({
  redis,
  logger,
  config,
}: {
  redis: RedisConfig;
  logger: Logger;
  config: ServerConfig;
}) {
  const connection = createRedisConnection({ config: redis, logger });
  const { client } = connection;
  return {
    connection,
    nonceStore: createRedisNonceStore({ client, keyPrefix: redis.keyPrefix }),
    rateLimits: createRedisRateLimitStore({ client, keyPrefix: redis.keyPrefix }),
    stats: createRedisStatsStore({
      client,
      keyPrefix: redis.keyPrefix,
      capacity: config.statsCapacity,
      flushIntervalMs: redis.statsFlushMs,
    }),
  };
}

/** The gateway client's Prometheus metrics in the service's registry, labelled by template and version. */
export function gatewayTelemetry(metrics: ServerMetrics): GatewayEventSink {
  return createPrometheusTelemetry({
    registry: metrics.register,
    extraLabelNames: ["template", "template_version"],
  });
}

/** A model gateway as `GatewayClient` plus, in development without a key, the simulated gateway behind it. */
export interface ConnectedGateway {
  gateway: GatewayClient | undefined;
  simulated: SimulatedGateway | undefined;
}

/**
 * The gateway client from configuration (key, key file or key command), or one in front of a simulated gateway
 * when no key is configured and `simulatedGateway` is given; none otherwise. The service and `pnpm worker` share it.
 */
export async function connectGateway({
  config,
  logger,
  metrics,
  simulatedGateway,
  events,
  name,
}: {
  config: ServerConfig;
  logger: Logger;
  metrics: ServerMetrics;
  /**
   * Whose client this is, in its circuit-state gauge (`gateway_client`): the service's interactive calls, or batch
   * items (the service's worker thread, `pnpm worker`). The thread's breakers are forwarded to the service's metrics.
   */
  name: "service" | "batch";
  simulatedGateway?:
    | ((options: { scenarioFile?: string | undefined }) => Promise<SimulatedGateway>)
    | undefined;
  /** Where the client's telemetry goes; default Prometheus metrics in `metrics`. */
  events?: GatewayEventSink | undefined;
}): Promise<ConnectedGateway> {
  const apiKeyProvider = await gatewayKeyProvider(config, logger);
  let simulated: SimulatedGateway | undefined;
  let baseUrl = config.gateway.baseUrl;
  const keyless = !config.gateway.apiKey && !apiKeyProvider;
  if (keyless && simulatedGateway) {
    simulated = await simulatedGateway({ scenarioFile: config.gateway.simulatedScenario });
    baseUrl = simulated.url;
  }
  const gateway =
    keyless && !simulated
      ? undefined
      : createGatewayClient({
          ...config.gateway.policies,
          baseUrl,
          ...(apiKeyProvider
            ? { apiKeyProvider }
            : { apiKey: config.gateway.apiKey ?? "simulated-gateway-key" }),
          events: events ?? gatewayTelemetry(metrics),
          name,
        });
  return { gateway, simulated };
}

/** The service's registry holder; `reload()` looks at the whole tree (or bundle). */
export interface ServiceRegistry extends RegistryHolder {
  /**
   * Reloads the template tree looking only at `paths` (relative to it, files or directories) and the files the
   * last load left unread, as a file watcher reports changes: no listing or stat of the rest. Changes reported by
   * several calls before the load starts are combined; a `reload()` pending or in flight looks at everything anyway.
   */
  reloadChanged(paths: readonly string[]): Promise<ReloadOutcome>;
}

/** The registry holder over PROMPTREG_TEMPLATES_DIR, its reloads logged and counted. Not loaded yet: call reload(). */
export function createServiceRegistry({
  config,
  logger,
  metrics,
}: {
  config: ServerConfig;
  logger: Logger;
  metrics: ServerMetrics;
}): ServiceRegistry {
  const source = config.bundleFile ? { bundle: config.bundleFile } : { templatesDir: config.templatesDir };
  // Reloads of the tree read and rebuild only the files that changed (docs/operations.md, "Reloads").
  const loadCache = createLoadCache();
  const store = createFileSystemStore(config.templatesDir);
  // What the next load looks at: "all" (start, SIGHUP) or the paths a watcher reported since the last load began.
  let pending: Set<string> | "all" = "all";
  const loadTree = () => {
    const changed = pending === "all" ? undefined : [...pending];
    pending = new Set();
    // A load that fails before its listing is complete leaves the cache without one: the next lists in full.
    return loadRegistry({ store, cache: loadCache, ...(changed ? { changed } : {}) });
  };
  const holder: RegistryHolder = createRegistryHolder({
    load: () =>
      config.bundleFile
        ? loadRegistryFromBundleFile(config.bundleFile, {
            schemas: "lazy",
            // Until something serves, readiness is what counts: each version is checked on its first use. A reload
            // checks every version now, so a modified bundle is refused and the last good registry keeps serving.
            verify: holder.current() ? "load" : "first-use",
          })
        : loadTree(),
    createRenderer: (loaded) => createRenderer({ registry: loaded }),
    onReload: (outcome) => {
      if (outcome.ok) {
        metrics.registryReloads.inc({ outcome: "ok" });
        metrics.registryTemplates.set(outcome.loaded.versionCount);
        logger.info({ ...source, versions: outcome.loaded.versionCount }, "registry loaded");
      } else {
        metrics.registryReloads.inc({ outcome: "error" });
        logger.error(
          {
            ...source,
            problems: describeLoadFailure(outcome.error),
            keptServing: !!outcome.serving,
          },
          outcome.serving
            ? "registry reload failed; the last good registry keeps serving"
            : "registry failed to load; the service is not ready until the templates are fixed",
        );
      }
    },
  });
  return {
    current: holder.current,
    reload() {
      pending = "all";
      return holder.reload();
    },
    reloadChanged(paths) {
      if (pending !== "all") for (const changed of paths) pending.add(changed);
      return holder.reload();
    },
  };
}

/**
 * Assembles the whole service from validated configuration: credentials, gateway (or the simulated one), registry
 * with reload, metrics and the Express app. main.ts only adds the port and signals; tests and benchmarks use this.
 */
export async function createService({
  config,
  logger,
  publicUrl,
  simulatedGateway,
}: {
  config: ServerConfig;
  logger: Logger;
  /** Written into the dev-client file so tools know where to call. */
  publicUrl: string;
  /**
   * Starts a simulated gateway when no gateway key is configured (development). main.ts passes one that loads the
   * mock gateway on demand; without it such a service has no gateway.
   */
  simulatedGateway?: (options: { scenarioFile?: string | undefined }) => Promise<SimulatedGateway>;
}): Promise<Service> {
  const metrics = createServerMetrics();
  const lifecycle: Lifecycle = createLifecycle();

  let keys = await loadClientKeys(config);
  let devClient: DevClient | undefined;
  if (!keys && config.auth === "on") {
    devClient = await loadOrCreateDevClient({ file: config.devClientFile, baseUrl: publicUrl });
    keys = parseClientKeys(`${devClient.keyId}:${devClient.secret}`, {
      source: config.devClientFile,
      format: "env",
    });
  }
  const credentials = createCredentialSet({ keys, defaultRequestsPerMinute: config.rateLimitPerMinute });
  const shared = config.redis ? sharedStateOnRedis({ redis: config.redis, logger, config }) : undefined;
  // Like nonceMemoryStart for the memory store: answer only once the shared nonce memory's epoch second has begun.
  await shared?.nonceStore.settle(config.redis?.connectTimeoutMs ?? 0);
  const verifier =
    config.auth === "on"
      ? createSignatureVerifier({
          credentials,
          nonceStore: shared?.nonceStore ?? createMemoryNonceStore(),
          // On Redis the nonce script charges the rate limit too: one round trip per signed request.
          admission: shared?.nonceStore,
          windowSeconds: config.signatureWindowSeconds,
          // The memory store starts empty: requests signed before now may have been accepted by the previous
          // process, so they are refused (see docs/security.md, "Replays across a restart"). The Redis store
          // outlives this process and refuses by its own epoch when Redis itself restarted empty.
          notBeforeSeconds: shared ? undefined : await nonceMemoryStart(),
        })
      : undefined;

  const gatewayEvents = gatewayTelemetry(metrics);
  const { gateway, simulated } = await connectGateway({
    config,
    logger,
    metrics,
    simulatedGateway,
    events: gatewayEvents,
    name: "service",
  });
  const ownRegistry = createServiceRegistry({ config, logger, metrics });

  const batches: BatchSystem | undefined = createBatchSystem({
    config,
    registry: ownRegistry,
    gateway: () => gateway,
    logger,
    metrics,
    dimensionNames: credentials.dimensionNames,
    credentials,
  });
  // The batch worker runs on a thread of its own (batch-thread/), which keeps its own registry: reloads go to both.
  const batchThread =
    batches && config.batches.worker
      ? startBatchThread({
          config,
          secrets: Object.fromEntries((keys?.clients ?? []).map((client) => [client.keyId, client.secrets])),
          simulatedGatewayUrl: simulated?.url,
          logger,
          recordItem: createItemRecorder({ metrics, dimensionNames: credentials.dimensionNames }),
          gatewayEvents,
        })
      : undefined;
  const registry: ServiceRegistry = batchThread
    ? {
        current: ownRegistry.current,
        reload() {
          batchThread.reload();
          return ownRegistry.reload();
        },
        reloadChanged(paths) {
          batchThread.reload(paths);
          return ownRegistry.reloadChanged(paths);
        },
      }
    : ownRegistry;

  const app = createApp({
    config,
    registry,
    credentials,
    verifier,
    gateway,
    logger,
    metrics,
    lifecycle,
    rateLimits: shared?.rateLimits,
    stats: shared?.stats,
    sharedState: shared?.connection,
    batchQueue: batches,
    batches: batches?.store,
    batchBodyLimitBytes: config.batches.bodyLimitBytes,
  });

  let watcher: FSWatcher | undefined;
  if (config.watch) {
    let timer: NodeJS.Timeout | undefined;
    // The paths seen in the current burst; undefined once an event came without a file name (look at everything).
    let burst: Set<string> | undefined = new Set();
    try {
      watcher = watch(config.templatesDir, { recursive: true }, (_event, filename) => {
        if (filename === null) burst = undefined;
        else burst?.add(filename.split(path.sep).join("/"));
        // Editors write files in bursts (temp file, rename); reload once the burst settles.
        clearTimeout(timer);
        timer = setTimeout(() => {
          const changed = burst;
          burst = new Set();
          void (changed ? registry.reloadChanged([...changed]) : registry.reload());
        }, 200);
      });
      watcher.on("error", (error) => logger.warn({ err: error.message }, "template watcher stopped"));
    } catch (error) {
      logger.warn(
        { err: (error as Error).message },
        "cannot watch the templates directory; use SIGHUP to reload",
      );
    }
  }

  return {
    app,
    registry,
    metrics,
    lifecycle,
    gatewayMode: simulated ? "simulated" : gateway ? "configured" : "none",
    devClient,
    announce: async (url) => {
      if (devClient) await loadOrCreateDevClient({ file: devClient.file, baseUrl: url });
    },
    close: async () => {
      watcher?.close();
      // The batch worker first (its running items finish), then the batch store.
      await batchThread?.close();
      await batches?.close();
      // The gateway client keeps a keep-alive connection pool; close it before the simulated gateway behind it.
      await gateway?.close();
      await simulated?.close();
      // The samples of the last interval go out before the connection closes, so other replicas still count them.
      await shared?.stats.close();
      await shared?.connection.close();
    },
  };
}
