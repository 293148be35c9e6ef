import { afterAll, describe, expect, it } from "vitest";
import type { FuzzCase } from "./arbitraries.js";
import { createCaseRunner } from "./case-runner.js";

// The fuzz suite's hang detection: a case that never returns (synchronous work no timer in its thread can stop) is
// reported as a hang after the cap, and the next case runs in a fresh worker.

const runner = createCaseRunner({
  caseTimeoutMs: 3_000,
  worker: new URL("./__fixtures__/scripted-worker.mjs", import.meta.url),
});
afterAll(() => runner.close());

const scripted = (script: string): FuzzCase => ({ files: {}, inputs: [], replies: [script] });

describe("createCaseRunner", { timeout: 60_000 }, () => {
  it("returns a case's violations, rejects a hang after the cap, then runs the next case in a fresh worker", async () => {
    expect(await runner.run(scripted("ok"))).toEqual([]);
    expect(await runner.run(scripted("bad position"))).toEqual(["bad position"]);
    await expect(runner.run(scripted("hang"))).rejects.toThrow(/more than 3000 ms: a hang/);
    expect(await runner.run(scripted("ok"))).toEqual([]);
  });

  it("reports an exception that escapes the worker as a violation, not a crash of the suite", async () => {
    expect(await runner.run(scripted("throw"))).toEqual([expect.stringContaining("boom")]);
    expect(await runner.run(scripted("ok"))).toEqual([]);
  });
});
