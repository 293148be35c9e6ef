import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./free-port.js";

/**
 * A Redis for one test file. With `REDIS_URL` set (CI's or a developer's shared server) it hands out that server and
 * a key prefix of its own, so test files running in parallel never see each other's keys; otherwise (or with
 * `dedicated: true`) it starts its own `redis-server` on a free port that keeps nothing on disk.
 */
export interface RedisHandle {
  /** `redis://[:password@]127.0.0.1:<port>` (dedicated) or the shared `REDIS_URL`. */
  url: string;
  /** Unique to this handle ("test:<random>:"): pass it as the service's key prefix; `stop()` deletes only these keys. */
  keyPrefix: string;
  /** Whether this handle runs its own server (so `restart()` and `kill()` work). */
  dedicated: boolean;
  /**
   * Dedicated: stops the server (waits for its exit). Shared: deletes this handle's keys. Safe to call twice; call it
   * in `afterAll` so no server is left running.
   */
  stop(): Promise<void>;
  /** Dedicated only: stops the server if it runs and starts it again on the same port, empty. */
  restart(): Promise<void>;
}

export interface StartRedisOptions {
  /** Start an own server even when REDIS_URL is set: tests that stop or restart Redis need one. */
  dedicated?: boolean;
  /** Start an own server that requires this password (`--requirepass`); `url` then carries it. Implies `dedicated`. */
  password?: string;
  /** Defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** How long to wait for a server to accept connections (a loaded 2-core box is slow to fork). Default 30 s. */
  readyTimeoutMs?: number;
  /**
   * Dedicated only: keep data across `restart()` (an append-only file fsynced on every write, in a temp directory
   * removed by `stop()`), like a production Redis configured for BullMQ. Default false: restarts come back empty.
   */
  persistent?: boolean;
  /**
   * More `redis-server` flags, e.g. `["--maxmemory-policy", "allkeys-lru"]` to test a misconfigured server. Implies
   * `dedicated` (the shared server is never reconfigured by a test).
   */
  serverArgs?: string[];
}

/** The command the dedicated mode runs; the CI installs it through .ci/system-deps. */
export const REDIS_SERVER_COMMAND = "redis-server";

export async function startRedis(options: StartRedisOptions = {}): Promise<RedisHandle> {
  const {
    dedicated = false,
    password,
    env = process.env,
    readyTimeoutMs = 30_000,
    persistent = false,
    serverArgs = [],
  } = options;
  const keyPrefix = `test:${randomBytes(6).toString("hex")}:`;
  const shared = env.REDIS_URL;
  if (!dedicated && !persistent && password === undefined && serverArgs.length === 0 && shared)
    return sharedHandle(shared, keyPrefix);
  return dedicatedHandle({
    keyPrefix,
    readyTimeoutMs,
    password,
    serverArgs,
    dataDir: persistent ? await mkdtemp(path.join(tmpdir(), "promptreg-redis-")) : undefined,
  });
}

function sharedHandle(url: string, keyPrefix: string): RedisHandle {
  return {
    url,
    keyPrefix,
    dedicated: false,
    stop: () => deleteKeys(url, keyPrefix),
    restart: async () => {
      throw new Error(
        "restart() needs a dedicated server: call startRedis({ dedicated: true }); the shared REDIS_URL server is never restarted by a test",
      );
    },
  };
}

/** SCAN + UNLINK over `prefix*` only: other test files (and other people) share this server. */
async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 10_000 });
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

async function dedicatedHandle({
  keyPrefix,
  readyTimeoutMs,
  password,
  dataDir,
  serverArgs,
}: {
  keyPrefix: string;
  readyTimeoutMs: number;
  password: string | undefined;
  dataDir: string | undefined;
  serverArgs: string[];
}): Promise<RedisHandle> {
  const port = await freePort();
  const persistence = dataDir
    ? ["--appendonly", "yes", "--appendfsync", "always", "--dir", dataDir]
    : ["--appendonly", "no"];
  const extraArgs = [
    ...persistence,
    ...(password === undefined ? [] : ["--requirepass", password]),
    ...serverArgs,
  ];
  let child: ChildProcess | undefined = await spawnServer({ port, readyTimeoutMs, extraArgs });
  const halt = async () => {
    const running = child;
    child = undefined;
    if (running) await terminate(running);
  };
  const stop = async () => {
    await halt();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
  return {
    url: `redis://${password === undefined ? "" : `:${encodeURIComponent(password)}@`}127.0.0.1:${port}`,
    keyPrefix,
    dedicated: true,
    stop,
    restart: async () => {
      await halt();
      child = await spawnServer({ port, readyTimeoutMs, extraArgs });
    },
  };
}

async function spawnServer({
  port,
  readyTimeoutMs,
  extraArgs,
}: {
  port: number;
  readyTimeoutMs: number;
  /** Persistence (`--appendonly ...`) and authentication flags. */
  extraArgs: string[];
}): Promise<ChildProcess> {
  const child = spawn(
    REDIS_SERVER_COMMAND,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--loglevel", "notice", ...extraArgs],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const collect = (chunk: Buffer) => {
    output += String(chunk);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`redis-server on port ${port} not ready within ${readyTimeoutMs} ms: ${output}`));
      }, readyTimeoutMs);
      const done = (error?: Error) => {
        clearTimeout(timer);
        child.stdout?.off("data", check);
        child.off("exit", exited);
        child.off("error", failed);
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        if (output.includes("Ready to accept connections")) done();
      };
      const exited = (code: number | null) =>
        done(new Error(`redis-server on port ${port} exited with ${code} before it was ready: ${output}`));
      const failed = (error: NodeJS.ErrnoException) =>
        done(
          error.code === "ENOENT"
            ? new Error(
                `${REDIS_SERVER_COMMAND} is not installed: install it (apt-get install redis-server; .ci/system-deps does on CI) or set REDIS_URL to a running server`,
              )
            : error,
        );
      child.stdout?.on("data", check);
      child.once("exit", exited);
      child.once("error", failed);
      check();
    });
  } catch (error) {
    await terminate(child);
    throw error;
  }
  // Keep draining the pipes so a chatty server never blocks on a full one.
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

function terminate(child: ChildProcess): Promise<void> {
  // No pid: the spawn itself failed (no such command), there is nothing to wait for.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    // SIGKILL: without `persistent` the server keeps nothing on disk, so a restart comes back empty; with it, every
    // write was fsynced to the append-only file before its reply, so a kill loses nothing acknowledged.
    child.kill("SIGKILL");
  });
}
