import { afterAll, afterEach, expect } from "vitest";

/**
 * Node only prints a MaxListenersExceededWarning, and a printed warning fails nothing. It means an emitter that lives
 * long (a Redis client, the process, an abort signal) gets a listener per call or per object made on it: a leak in
 * the service, or a test that makes many of what the service makes once. Here it fails the test it was emitted in
 * (or the file, when it comes after the file's last test). Warnings are emitted on the next tick, so they arrive before
 * the test's afterEach.
 */
const RECORDED = Symbol.for("promptreg.test.listenerWarnings");

function recorded(): Error[] {
  const scope = globalThis as { [RECORDED]?: Error[] };
  // This project's files share one worker process (isolate: false) and this file runs once per test file: one
  // process listener for all of them, or the listeners would themselves pass the limit.
  if (!scope[RECORDED]) {
    const warnings: Error[] = [];
    process.on("warning", (warning) => {
      if (warning.name === "MaxListenersExceededWarning") warnings.push(warning);
    });
    scope[RECORDED] = warnings;
  }
  return scope[RECORDED];
}

const warnings = recorded();
const check = () => {
  const messages = warnings.splice(0).map((warning) => warning.message);
  expect(messages, "MaxListenersExceededWarning: a listener added per call or per object").toEqual([]);
};
afterEach(check);
afterAll(check);
