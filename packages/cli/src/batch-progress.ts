import type { BatchStatus } from "@promptreg/client";

const BAR_WIDTH = 30;

/** One plain line per status: what a log or a pipe gets (`--watch` without a terminal prints one per change). */
export function formatBatchLine(status: BatchStatus): string {
  const { counts, usage } = status;
  const done = counts.total - counts.pending;
  const percent = Math.floor(status.progress * 100);
  return `${status.id} ${status.status} ${done}/${counts.total} (${percent}%) succeeded ${counts.succeeded} failed ${counts.failed} cancelled ${counts.cancelled} tokens ${usage.totalTokens} cost $${usage.costUsd.toFixed(6)}`;
}

/** The terminal form: a bar redrawn in place (`\r`, line cleared), then the counts. */
export function formatBatchBar(status: BatchStatus): string {
  const filled = Math.round(status.progress * BAR_WIDTH);
  const bar = `${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}`;
  const { counts } = status;
  return `\r\u001b[2K[${bar}] ${Math.floor(status.progress * 100)}% ${counts.total - counts.pending}/${counts.total} ${status.status} (failed ${counts.failed}, cancelled ${counts.cancelled})`;
}

export function isFinished(status: BatchStatus): boolean {
  return status.status === "completed" || status.status === "cancelled";
}
