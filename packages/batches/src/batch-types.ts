/** One item of a submission: which template to run, its input, and caller metadata echoed back in the result. */
export interface BatchItem {
  ref: string;
  input: unknown;
  metadata?: Record<string, unknown> | undefined;
}

/** Scheduling order between batches: a `high` batch's items are taken before waiting `normal` and `low` ones. */
export type BatchPriority = "high" | "normal" | "low";

export const BATCH_PRIORITIES: Readonly<Record<BatchPriority, number>> = { high: 1, normal: 5, low: 10 };

export interface BatchSubmission {
  /** The client that owns the batch; only it sees the batch. */
  owner: string;
  items: readonly BatchItem[];
  priority?: BatchPriority | undefined;
  callbackUrl?: string | undefined;
  /** Business dimensions the batch's usage is attributed to (already checked against the client's declaration). */
  dimensions?: Readonly<Record<string, string>> | undefined;
}

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

/** A failure as the caller sees it: the same codes and types as the HTTP errors of /v1/run. */
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

/** One entry of the dead-letter list: an item that failed for good, for an operator to inspect or resubmit. */
export interface DeadLetter {
  batchId: string;
  index: number;
  ref: string;
  error: ItemError;
  attempts: number;
  failedAt: string;
}
