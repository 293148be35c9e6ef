// A stand-in for case-worker.mjs in the runner's own tests: the first reply of a case says what to do.
import { parentPort } from "node:worker_threads";

parentPort.on("message", ({ id, fuzzCase }) => {
  const script = fuzzCase.replies[0];
  if (script === "hang") for (;;);
  if (script === "throw") throw new Error("boom");
  parentPort.postMessage({ id, violations: script === "ok" ? [] : [script] });
});
parentPort.postMessage({ ready: true });
