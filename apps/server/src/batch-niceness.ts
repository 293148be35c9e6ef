import { getPriority, setPriority } from "node:os";

/**
 * Lowers the calling thread's scheduling priority to niceness `nice` (PROMPTREG_BATCH_WORKER_NICE), so batch work
 * yields the CPU to interactive calls; returns the niceness in effect. Linux gives each thread its own niceness, so
 * there it lowers this thread only; elsewhere it lowers the whole process, which a thread inside the service must not
 * do (`scope: "thread"` leaves it alone there). A refusal (some sandboxes) leaves it unchanged: the work still runs.
 */
export function lowerBatchPriority({ nice, scope }: { nice: number; scope: "thread" | "process" }): number {
  if (nice > 0 && (scope === "process" || process.platform === "linux")) {
    try {
      setPriority(nice);
    } catch {
      // Unchanged, reported below.
    }
  }
  return getPriority();
}
