import { describe, expect, it } from "vitest";
import { runProcess } from "./run-process.js";

const NODE = process.execPath;

describe("runProcess", () => {
  it("feeds stdin and collects stdout, stderr and a non-zero exit code without rejecting", async () => {
    const result = await runProcess(
      NODE,
      [
        "-e",
        "process.stdin.pipe(process.stdout); process.stderr.write('err'); process.stdin.on('end', () => process.exitCode = 3)",
      ],
      { stdin: "hello" },
    );
    expect(result).toEqual({ code: 3, stdout: "hello", stderr: "err" });
  }, 30_000);

  it("runs in cwd with exactly the env given", async () => {
    const result = await runProcess(NODE, ["-e", "console.log(process.cwd(), process.env.ONLY_THIS)"], {
      cwd: "/",
      env: { ONLY_THIS: "yes" },
    });
    expect(result.stdout.trim()).toBe("/ yes");
  }, 30_000);

  it("rejects when the command cannot start", async () => {
    await expect(runProcess("promptreg-no-such-command-xyz", [])).rejects.toMatchObject({ code: "ENOENT" });
  }, 30_000);

  it("kills a command past its timeout and rejects", async () => {
    await expect(runProcess(NODE, ["-e", "setInterval(() => {}, 1000)"], { timeoutMs: 200 })).rejects.toThrow(
      /ran past 200 ms/,
    );
  }, 30_000);
});
