// The service's batch worker thread (started by start-batch-thread.ts): a worker on an event loop and scheduling
// priority of its own, so batch items never delay the interactive calls the service's main thread answers.
import { parentPort, workerData } from "node:worker_threads";
import { lowerBatchPriority } from "../batch-niceness.js";
import { createBatchSystem, itemTally } from "../batch-system.js";
import { createLogger } from "../http/logger.js";
import { createServerMetrics } from "../http/metrics.js";
import { connectGateway, createServiceRegistry } from "../service.js";
import {
  type BatchThreadData,
  type FromBatchThread,
  type ToBatchThread,
  toPlainEvent,
} from "./thread-messages.js";

const port = parentPort;
if (!port)
  throw new Error("batch-thread-main.ts runs as a worker thread of the service (start-batch-thread.ts)");
const { config, secrets, simulatedGatewayUrl } = workerData as BatchThreadData;
const send = (message: FromBatchThread) => port.postMessage(message);

// Batch work yields the CPU to the interactive calls of the service's main thread.
const nice = lowerBatchPriority({ nice: config.batches.workerNice, scope: "thread" });

// Log lines go to the service's logger, which writes them (and redacts, and is captured by tests) like its own.
const logger = createLogger({
  level: config.logLevel,
  destination: { write: (line: string) => send({ type: "log", line }) },
});
// The thread's own metrics registry is never scraped: items and gateway telemetry are sent to the service's.
const metrics = createServerMetrics({ defaultMetrics: false });
const { gateway } = await connectGateway({
  config,
  name: "batch",
  logger,
  metrics,
  // Development without a key: the thread calls the simulated gateway the service started (it stays the service's).
  simulatedGateway: simulatedGatewayUrl
    ? async () => ({ url: simulatedGatewayUrl, close: async () => {} })
    : undefined,
  events: (event) => send({ type: "gateway", event: toPlainEvent(event) }),
});
const registry = createServiceRegistry({ config, logger, metrics });
// A tree that does not load leaves items failing as they would in the service (not ready); a reload may fix it.
await registry.reload();
const system = createBatchSystem({
  config,
  registry,
  gateway: () => gateway,
  logger,
  metrics,
  runWorker: true,
  onItem: (event) => send({ type: "item", tally: itemTally(event) }),
  credentials: { lookupSecrets: (keyId) => secrets[keyId] },
});

let closing = false;
port.on("message", (message: ToBatchThread) => {
  if (message.type === "reload") {
    void (message.paths ? registry.reloadChanged(message.paths) : registry.reload());
  } else if (message.type === "close" && !closing) {
    closing = true;
    void (async () => {
      // Running items finish; then the connections close and the thread's event loop empties.
      await system?.close();
      await gateway?.close();
      send({ type: "closed" });
    })();
  }
});
send({ type: "started", nice });
