import type { GatewayEvent } from "@promptreg/gateway";
import type { ItemTally } from "../batch-system.js";
import type { ServerConfig } from "../config.js";

/** What the service hands its batch worker thread at start (structured-cloned: plain data only). */
export interface BatchThreadData {
  config: ServerConfig;
  /** The secrets of each client key id, to sign the completion webhooks of that client's batches. */
  secrets: Record<string, readonly string[]>;
  /** The simulated gateway the service started (development without a key); the thread calls the same one. */
  simulatedGatewayUrl: string | undefined;
}

/** Service to thread. */
export type ToBatchThread =
  /** The service reloaded its registry (`paths` from the file watcher; absent means look at everything). */
  { type: "reload"; paths?: readonly string[] } | { type: "close" };

/** Thread to service. */
export type FromBatchThread =
  | { type: "started"; nice: number }
  /** One pino line (JSON) for the service's logger. */
  | { type: "log"; line: string }
  | { type: "item"; tally: ItemTally }
  /** A gateway telemetry event, errors reduced to the fields the metrics read (`toPlainEvent`). */
  | { type: "gateway"; event: GatewayEvent }
  | { type: "closed" };

/**
 * A gateway event as plain data for `postMessage`: a structured clone keeps an error's message but drops its class
 * and own fields, so `request_end`'s error travels as its `code` and `origin`, which is all the metrics read.
 */
export function toPlainEvent(event: GatewayEvent): GatewayEvent {
  if (event.type !== "request_end" || !event.error) return event;
  const { code, origin } = event.error;
  // Only the telemetry sink reads it, and only these two fields (prometheus-telemetry.ts).
  return { ...event, error: { code, origin } as typeof event.error };
}
