import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { type RedisHandle, startRedis } from "@promptreg/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcessService } from "../src/__fixtures__/in-process-service.js";
import { makeTempDir, runCli } from "../src/__fixtures__/run-cli.js";
import { main } from "../src/main.js";

// The real service with Redis (batches on, a worker inside it) and the simulated gateway; `promptreg batch` runs
// in-process against it with the development credential the service wrote.
let temp: { dir: string; cleanup: () => Promise<void> };
let redis: RedisHandle;
let service: { url: string; close(): Promise<void> };
let workDir: string;

beforeAll(async () => {
  temp = await makeTempDir("promptreg-batch-");
  await writeFile(path.join(temp.dir, "pnpm-workspace.yaml"), "packages: []\n");
  workDir = path.join(temp.dir, "work");
  await mkdir(workDir, { recursive: true });
  redis = await startRedis();
  service = await startInProcessService({
    repoRoot: temp.dir,
    env: { REDIS_URL: redis.url, PROMPTREG_REDIS_KEY_PREFIX: redis.keyPrefix },
  });
  // The Redis nonce store refuses requests signed before the second it first saw this key prefix (its epoch).
  await new Promise((resolve) => setTimeout(resolve, 1_005 - (Date.now() % 1_000)));
});

afterAll(async () => {
  await service?.close();
  await redis?.stop();
  await temp?.cleanup();
});

const batch = (args: string[]) => runCli(["batch", ...args], { cwd: workDir, env: {} });
const REF = "support/summarize-ticket@production";

describe("promptreg batch (real service with Redis)", () => {
  it("submit reads JSON Lines, status --watch prints a line per change until done, results writes one line per item", async () => {
    const lines = [
      '{"ticket":"My invoice is wrong."}',
      "",
      '{"ticket":"SSO is down for everyone."}',
      '{"ticket":"Refund?"}',
    ];
    await writeFile(path.join(workDir, "items.jsonl"), `${lines.join("\n")}\n`);
    const submitted = await batch(["submit", REF, "--inputs", "items.jsonl", "--priority", "low"]);
    expect(submitted.code).toBe(0);
    const id = submitted.stdout.trim();
    expect(id).toMatch(/^batch_[0-9a-f]{24}$/);
    expect(submitted.stderr).toContain(`promptreg batch status ${id} --watch`);

    const watched = await batch(["status", id, "--watch", "--interval", "0.2"]);
    expect(watched.code).toBe(0);
    const printed = watched.stdout.trim().split("\n");
    expect(printed.at(-1)).toMatch(new RegExp(`^${id} completed 3/3 \\(100%\\) succeeded 3 failed 0`));
    // Plain lines without a terminal: no carriage returns or escape codes.
    expect(watched.stdout).not.toContain("\r");
    expect(watched.stdout).not.toContain("\u001b");

    const results = await batch(["results", id, "--out", "results.jsonl"]);
    expect(results.code).toBe(0);
    expect(results.stderr).toBe("3 succeeded written to results.jsonl\n");
    const written = (await readFile(path.join(workDir, "results.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { index: number; status: string; metadata: { line: number } });
    expect(written.map((item) => [item.index, item.status, item.metadata.line])).toEqual([
      [0, "succeeded", 1],
      [1, "succeeded", 3],
      [2, "succeeded", 4],
    ]);
  });

  it("status --watch on a terminal redraws one progress bar", async () => {
    await writeFile(path.join(workDir, "one.jsonl"), '{"ticket":"Hello"}\n');
    const id = (await batch(["submit", REF, "--inputs", "one.jsonl"])).stdout.trim();
    let stdout = "";
    const code = await main(["batch", "status", id, "--watch", "--interval", "0.2"], {
      cwd: workDir,
      stdout: { write: (chunk: string) => (stdout += chunk), isTTY: true },
      stderr: { write: () => true },
      stdin: Readable.from([]),
      env: {},
    });
    expect(code).toBe(0);
    expect(stdout).toContain(`\r\u001b[2K[${"#".repeat(30)}] 100% 1/1 completed`);
  });

  it("refuses a bad inputs file with the file and line, before anything is sent; unknown ids and actions are clear", async () => {
    await writeFile(path.join(workDir, "bad.jsonl"), '{"ticket":"ok"}\n{"ticket": \n');
    const bad = await batch(["submit", REF, "--inputs", "bad.jsonl"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("bad.jsonl:2: not valid JSON");
    const missing = await batch(["status", "batch_000000000000000000000000"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No batch 'batch_000000000000000000000000'/);
    const usage = await batch(["launch", REF]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('unknown action "launch"');
  });
});
