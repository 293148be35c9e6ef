import { redactUrlCredentials } from "@promptreg/core";
import { Redis } from "ioredis";
import type { Logger } from "../http/logger.js";
import type { RedisConfig } from "../redis-config.js";

/** Longest wait between two reconnection attempts: Redis back means the service is back within about a second. */
export const REDIS_MAX_RECONNECT_DELAY_MS = 1_000;

export type RedisHealth = { ok: true } | { ok: false; reason: string };

/** One ioredis client for the service's shared state, tuned to fail fast and closed. */
export interface RedisConnection {
  readonly client: Redis;
  /** The URL with its credentials replaced, for logs and /readyz. */
  readonly displayUrl: string;
  /** PING within the command timeout, for /readyz. Never throws. */
  check(): Promise<RedisHealth>;
  close(): Promise<void>;
}

/**
 * Connects in the background (the service starts, not ready, while Redis is down) and reconnects forever. Commands
 * never queue while disconnected (`enableOfflineQueue: false`) and time out after `commandTimeoutMs`, so a request
 * whose check needs Redis gets a typed 503 at once instead of hanging. Logs state changes only, never the password.
 */
export function createRedisConnection({
  config,
  logger,
}: {
  config: RedisConfig;
  logger: Logger;
}): RedisConnection {
  const displayUrl = redactUrlCredentials(config.url);
  const client = new Redis(config.url, {
    connectTimeout: config.connectTimeoutMs,
    commandTimeout: config.commandTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, REDIS_MAX_RECONNECT_DELAY_MS),
  });
  let reachable: boolean | undefined;
  let closing = false;
  /**
   * The one place reachability changes and is logged: each change once, whichever event noticed it first (a lost
   * connection shows as `close`, as `error`, or both), and nothing once we close it ourselves.
   */
  const become = (next: boolean, error?: Error) => {
    if (closing || reachable === next) return;
    reachable = next;
    if (next) logger.info({ redis: displayUrl }, "redis connected");
    else
      logger.warn(
        { redis: displayUrl, ...(error ? { err: redactUrlCredentials(error.message) } : {}) },
        "redis unreachable; requests that need it are refused (503) until it is back",
      );
  };
  client.on("ready", () => become(true));
  // A lost connection is reported when it closes, not only on the next connect error: a Redis that is back within the
  // first reconnect delay never produces one, and operators still need to see the outage. Before the first
  // connection a close adds nothing: the connect error that caused it reports it, with its reason.
  client.on("close", () => {
    if (reachable === true) become(false);
  });
  client.on("error", (error: Error) => become(false, error));
  return {
    client,
    displayUrl,
    async check() {
      try {
        await client.ping();
        return { ok: true };
      } catch (error) {
        return {
          ok: false,
          reason: `redis at ${displayUrl} unreachable: ${redactUrlCredentials((error as Error).message)}`,
        };
      }
    },
    async close() {
      closing = true;
      client.disconnect();
    },
  };
}
