import { Worker } from "node:worker_threads";
import { computeBackoffMs } from "@promptreg/core";
import type { GatewayEvent, GatewayEventSink } from "@promptreg/gateway";
import type { ItemTally } from "../batch-system.js";
import type { ServerConfig } from "../config.js";
import type { Logger } from "../http/logger.js";
import type { BatchThreadData, FromBatchThread, ToBatchThread } from "./thread-messages.js";

/** The service's batch worker thread, seen from the service. */
export interface BatchThread {
  /** Passes a registry reload on (the thread keeps a registry of its own). */
  reload(paths?: readonly string[]): void;
  /**
   * Lets the running items finish and the thread close its connections; a thread still running after
   * `timeoutMs` (default the drain timeout) is terminated, and its items are taken over by another worker later.
   */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

/** Restarts after a crash wait 1 s, doubling to 30 s with full jitter; a thread that ran a minute resets it. */
const RESTART = { baseDelayMs: 1_000, maxDelayMs: 30_000, stableMs: 60_000 } as const;

/**
 * The thread's entry. The built service runs batch-thread-main.js. From source (tsx, vitest) it is TypeScript, and
 * Node 20 does not run `--import` loaders in worker threads, so a one-line bootstrap registers tsx there first.
 */
export interface ThreadEntry {
  /** A file URL, or the source of a script when `eval` is true. */
  script: string | URL;
  eval: boolean;
}

function threadEntry(): ThreadEntry {
  if (!import.meta.url.endsWith(".ts")) {
    return { script: new URL("./batch-thread-main.js", import.meta.url), eval: false };
  }
  // Resolved from the working directory, as `node --import tsx` resolves it.
  const main = new URL("./batch-thread-main.ts", import.meta.url).href;
  return {
    script: `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(main)}); });`,
    eval: true,
  };
}

/** Writes one of the thread's pino lines through the service's logger, at its level, marked as the thread's. */
function relayLog(logger: Logger, line: string): void {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return;
  }
  // The service's logger adds its own time, pid, hostname and service name.
  const { level, msg, time: _time, pid: _pid, hostname: _hostname, service: _service, ...fields } = record;
  const label = logger.levels.labels[Number(level)] ?? "info";
  const write = (logger as unknown as Record<string, (fields: object, msg?: string) => void>)[label];
  write?.call(logger, { ...fields, thread: "batch-worker" }, typeof msg === "string" ? msg : undefined);
}

/**
 * Starts the service's batch worker on a worker thread: its own event loop (batch items never wait in line with
 * interactive requests, nor they with them), at `config.batches.workerNice` on Linux. Its finished items, gateway
 * telemetry and log lines come back to the service's metrics and logger. A thread that dies is logged and
 * restarted with backoff; its running items are taken over once their lock expires (at-least-once, as for a killed
 * `pnpm worker`).
 */
export function startBatchThread({
  config,
  secrets,
  simulatedGatewayUrl,
  logger,
  recordItem,
  gatewayEvents,
  random = Math.random,
  entry = threadEntry(),
}: {
  config: ServerConfig;
  secrets: BatchThreadData["secrets"];
  simulatedGatewayUrl: string | undefined;
  logger: Logger;
  recordItem: (tally: ItemTally) => void;
  gatewayEvents: GatewayEventSink;
  random?: () => number;
  /** The thread's script; default batch-thread-main (tests pass scripts that crash or hang). */
  entry?: ThreadEntry;
}): BatchThread {
  const data: BatchThreadData = { config, secrets, simulatedGatewayUrl };
  let current: Worker | undefined;
  let closing = false;
  let crashes = 0;
  let restartTimer: NodeJS.Timeout | undefined;

  const start = () => {
    const startedAt = Date.now();
    const worker = new Worker(entry.script, { workerData: data, eval: entry.eval });
    current = worker;
    worker.on("message", (message: FromBatchThread) => {
      switch (message.type) {
        case "log":
          relayLog(logger, message.line);
          return;
        case "item":
          recordItem(message.tally);
          return;
        case "gateway":
          gatewayEvents(message.event as GatewayEvent);
          return;
        case "started":
          logger.info(
            { concurrency: config.batches.concurrency, nice: message.nice },
            "batch worker thread started",
          );
          return;
        default:
          return;
      }
    });
    worker.on("error", (error) => logger.error({ err: error.message }, "batch worker thread failed"));
    worker.on("exit", (code) => {
      if (current === worker) current = undefined;
      if (closing) return;
      crashes = Date.now() - startedAt >= RESTART.stableMs ? 1 : crashes + 1;
      const delayMs = Math.max(
        RESTART.baseDelayMs / 2,
        computeBackoffMs({ retry: crashes, ...RESTART, random }),
      );
      logger.error({ code, restartInMs: Math.round(delayMs) }, "batch worker thread stopped; restarting");
      restartTimer = setTimeout(start, delayMs);
      restartTimer.unref();
    });
  };
  start();

  const post = (message: ToBatchThread) => current?.postMessage(message);
  return {
    reload: (paths) => post(paths ? { type: "reload", paths } : { type: "reload" }),
    async close({ timeoutMs = config.drainTimeoutMs } = {}) {
      closing = true;
      clearTimeout(restartTimer);
      const worker = current;
      if (!worker) return;
      // Done when the thread says its worker and connections are closed (or it exits): the thread is then stopped,
      // whatever handle might still keep its event loop alive.
      const done = new Promise<void>((resolve) => {
        worker.once("exit", () => resolve());
        worker.on("message", (message: FromBatchThread) => {
          if (message.type === "closed") resolve();
        });
      });
      worker.postMessage({ type: "close" } satisfies ToBatchThread);
      let timer: NodeJS.Timeout | undefined;
      const late = await Promise.race([
        done.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (late)
        logger.warn({ timeoutMs }, "batch worker thread still running at the drain timeout; stopping it");
      await worker.terminate();
    },
  };
}
