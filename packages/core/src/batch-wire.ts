/**
 * The batch endpoints' answers as they travel: what `GET /v1/batches/{id}` and its results pages hold. One definition
 * for both ends, @promptreg/batches (which stores and answers them) and the client SDK (which reads them), so the
 * contract cannot drift between the service and its callers. Types only: no runtime code, nothing Node-specific.
 */

/** Scheduling order between batches: a `high` batch's items are taken before waiting `normal` and `low` ones. */
export type BatchPriority = "high" | "normal" | "low";

export type BatchState = "queued" | "running" | "completed" | "cancelling" | "cancelled";

export interface BatchUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** USD summed over finished items whose cost is known. */
  costUsd: number;
  /** Finished items whose gateway reported no price; their cost is not in `costUsd`. */
  itemsWithUnknownCost: number;
}

export interface BatchStatus {
  id: string;
  status: BatchState;
  priority: BatchPriority;
  counts: { total: number; succeeded: number; failed: number; cancelled: number; pending: number };
  /** Finished items over all items, 0..1. */
  progress: number;
  timings: {
    createdAt: string;
    startedAt: string | null;
    finishedAt: string | null;
    /** From the first item started to the last finished (or to now while running). */
    durationMs: number | null;
  };
  usage: BatchUsage;
  /** The business dimensions the usage is attributed to. */
  dimensions: Record<string, string>;
  callbackUrl: string | null;
}

/** A failed item's error: the same `code` and `type` as the run would have answered on `/v1/run`. */
export interface ItemError {
  code: string;
  type: string;
  message: string;
  retryable: boolean;
  details?: Record<string, unknown> | undefined;
}

interface ItemResultBase {
  index: number;
  /** The reference as submitted. */
  ref: string;
  metadata?: Record<string, unknown> | undefined;
}

/** One item's result: its validated output and usage, a typed error, cancelled, or not finished yet. */
export type ItemResult =
  | (ItemResultBase & {
      status: "succeeded";
      /** The exact version that ran. */
      resolved: { id: string; version: string; hash: string };
      output: unknown;
      usage: { promptTokens: number; completionTokens: number; totalTokens: number };
      cost: number | null;
      latencyMs: number;
      repairs: number;
      /** The gateway's provider metadata (provider, model, request id). */
      provider: Record<string, unknown>;
      attempts: number;
      finishedAt: string;
    })
  | (ItemResultBase & { status: "failed"; error: ItemError; attempts: number; finishedAt: string })
  | (ItemResultBase & { status: "cancelled"; finishedAt: string })
  | { index: number; status: "pending" };
