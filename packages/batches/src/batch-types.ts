import type { BatchPriority, ItemError } from "@promptreg/core";

// The answers' shapes (status, usage, item results) are the wire contract, defined once in @promptreg/core for this
// package and the client SDK.
export type {
  BatchPriority,
  BatchState,
  BatchStatus,
  BatchUsage,
  ItemError,
  ItemResult,
} from "@promptreg/core";

/** One item of a submission: which template to run, its input, and caller metadata echoed back in the result. */
export interface BatchItem {
  ref: string;
  input: unknown;
  metadata?: Record<string, unknown> | undefined;
}

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

/** One entry of the dead-letter list: an item that failed for good, for an operator to inspect or resubmit. */
export interface DeadLetter {
  batchId: string;
  index: number;
  ref: string;
  error: ItemError;
  attempts: number;
  failedAt: string;
}
