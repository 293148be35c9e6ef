import { type ChildProcess, spawn } from "node:child_process";
import { availableParallelism } from "node:os";

/**
 * Busy-loops in child processes, one per core by default (at most 8), so a test can show that what it checks holds on a machine
 * that is fully loaded (the clean-clone CI box often is). Each child stops by itself when its parent is gone or after
 * `maxMs`, so a crashed test run cannot leave spinning processes behind.
 */
export interface CpuHog {
  readonly pids: number[];
  stop(): Promise<void>;
}

const SPIN = `
const parent = process.ppid;
const until = Date.now() + Number(process.argv[1]);
let n = 0;
for (;;) {
  if (++n % 5e6 === 0) {
    if (Date.now() > until) process.exit(0);
    try { process.kill(parent, 0); } catch { process.exit(0); }
  }
}`;

export async function startCpuHog({
  processes = Math.min(8, availableParallelism()),
  maxMs = 600_000,
}: {
  processes?: number;
  maxMs?: number;
} = {}): Promise<CpuHog> {
  const children: ChildProcess[] = [];
  for (let i = 0; i < processes; i++) {
    children.push(spawn(process.execPath, ["-e", SPIN, String(maxMs)], { stdio: "ignore" }));
  }
  // Wait until every child runs, so the load is there before the test starts.
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve, reject) => {
          child.once("spawn", resolve);
          child.once("error", reject);
        }),
    ),
  );
  return {
    pids: children.map((child) => child.pid!),
    stop: async () => {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) {
                resolve();
                return;
              }
              child.once("exit", () => resolve());
              child.kill("SIGKILL");
            }),
        ),
      );
    },
  };
}
