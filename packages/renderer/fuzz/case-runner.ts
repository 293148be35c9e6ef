import { Worker } from "node:worker_threads";
import type { FuzzCase } from "./arbitraries.js";

/** A case ran past the cap: a hang past the documented budgets. */
export class CaseHangError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the case ran for more than ${timeoutMs} ms: a hang past the documented budgets`);
    this.name = "CaseHangError";
  }
}

export interface CaseRunner {
  /** The invariants the case broke (empty when it passed); rejects when it runs past `caseTimeoutMs`. */
  run(fuzzCase: FuzzCase): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Runs fuzz cases one at a time in a worker thread, so a case that hangs (synchronous work no timer can interrupt
 * in the same thread) is detected: past `caseTimeoutMs` the worker is terminated, the case fails as a hang, and a
 * fresh worker takes the next case. The timeout is hang detection, not a performance bound: keep it generous
 * (seconds), far above what a case costs on a loaded machine.
 */
export function createCaseRunner({
  caseTimeoutMs,
  worker: workerUrl = new URL("./case-worker.mjs", import.meta.url),
}: {
  caseTimeoutMs: number;
  /** The worker script (tests of the runner itself pass another). */
  worker?: URL;
}): CaseRunner {
  let worker: Promise<Worker> | undefined;
  let nextId = 0;
  const start = () =>
    new Promise<Worker>((resolve, reject) => {
      const created = new Worker(workerUrl);
      created.once("message", () => resolve(created));
      created.once("error", reject);
    });

  return {
    async run(fuzzCase) {
      worker ??= start();
      const current = await worker;
      const id = nextId++;
      return new Promise<string[]>((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          current.off("message", onMessage);
          current.off("error", onError);
          current.off("exit", onExit);
        };
        const onMessage = (message: { id: number; violations: string[] }) => {
          if (message.id !== id) return;
          done();
          resolve(message.violations);
        };
        const onError = (error: Error) => {
          done();
          worker = undefined;
          resolve([`the worker died: ${error.name}: ${error.message}`]);
        };
        const onExit = (code: number) => {
          done();
          worker = undefined;
          resolve([`the worker exited with code ${code}`]);
        };
        const timer = setTimeout(() => {
          done();
          worker = undefined;
          void current.terminate();
          reject(
            new Error(`the case ran for more than ${caseTimeoutMs} ms: a hang past the documented budgets`),
          );
        }, caseTimeoutMs);
        current.on("message", onMessage);
        current.on("error", onError);
        current.on("exit", onExit);
        current.postMessage({ id, fuzzCase });
      });
    },
    async close() {
      const current = worker;
      worker = undefined;
      if (current) await (await current).terminate();
    },
  };
}
