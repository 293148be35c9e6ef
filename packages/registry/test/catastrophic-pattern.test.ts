import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const probe = fileURLToPath(new URL("./__fixtures__/catastrophic-pattern-probe.ts", import.meta.url));

// A backtracking engine needs ~2^42 steps for the example (hours); the linear-time one needs milliseconds. The probe
// runs in a child process with a deadline far above any honest run on a loaded machine, so a regression fails
// here instead of hanging the whole test run.
const DEADLINE_MS = 60_000;

describe("a catastrophically backtracking schema pattern", () => {
  it(
    "neither hangs validate (its example) nor input validation (inputs of 100,000 characters)",
    async () => {
      const output = await new Promise<string>((resolve, reject) => {
        execFile(
          process.execPath,
          ["--import", "tsx", probe],
          { timeout: DEADLINE_MS, killSignal: "SIGKILL" },
          (error, stdout, stderr) => {
            if (error) reject(new Error(`probe failed or hung (killed after ${DEADLINE_MS} ms): ${stderr}`));
            else resolve(stdout);
          },
        );
      });
      expect(JSON.parse(output)).toEqual({
        problems: ["14:34 example_invalid"],
        verdicts: [false, false, true],
      });
    },
    DEADLINE_MS + 10_000,
  );
});
