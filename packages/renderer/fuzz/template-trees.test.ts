import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { fuzzCase } from "./arbitraries.js";
import { CaseHangError, createCaseRunner } from "./case-runner.js";

// The fuzz suite of issue 7: generated template trees (YAML text, partial graphs, schemas, labels, mutations),
// inputs and model replies go through load, lint, compile, render and parseOutput. Each case runs in a worker thread
// with a generous cap (hang detection, not a performance bound); the number of runs is bounded so the file takes
// seconds on an idle 2-core machine. PROMPTREG_FUZZ_RUNS raises it for a longer local session.
// docs/security.md ("Fuzz suite") describes it.

const runs = Number(process.env.PROMPTREG_FUZZ_RUNS ?? 120);
const runner = createCaseRunner({ caseTimeoutMs: 20_000 });
afterAll(() => runner.close());

describe("fuzz: template trees, inputs and model replies", () => {
  it("never hang, crash or leak an internal error, and every problem says where", {
    timeout: 600_000,
  }, async () => {
    // After a hang, every smaller case fast-check would try while shrinking could hang for the whole cap too:
    // they pass at once instead, so the hanging case is reported as it was found, within one cap.
    let hung = false;
    await fc.assert(
      fc.asyncProperty(fuzzCase, async (generated) => {
        if (hung) return;
        try {
          expect(await runner.run(generated)).toEqual([]);
        } catch (error) {
          if (error instanceof CaseHangError) hung = true;
          throw error;
        }
      }),
      { numRuns: runs },
    );
  });
});
