import { parentPort } from "node:worker_threads";
import type { FuzzCase } from "./arbitraries.js";
import { checkCase } from "./check-case.js";

/** Answers `{ id, fuzzCase }` with `{ id, violations }`; anything escaping checkCase is a violation too. */
parentPort!.on("message", async ({ id, fuzzCase }: { id: number; fuzzCase: FuzzCase }) => {
  let violations: string[];
  try {
    violations = await checkCase(fuzzCase);
  } catch (error) {
    violations = [`uncaught: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`];
  }
  parentPort!.postMessage({ id, violations });
});
parentPort!.postMessage({ ready: true });
