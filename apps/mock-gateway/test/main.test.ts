import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

function start(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", ...args], {
    cwd: packageDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", () => {
      const match = /listening on (http:\S+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    exited.then(() => reject(new Error(`exited before listening: ${stderr}`)));
  });
  // Tests that expect a failed start never await the URL; keep its rejection from going unhandled.
  url.catch(() => undefined);
  return { child, url, exited, output: () => ({ stdout, stderr }) };
}

describe("mock-gateway CLI", () => {
  it("prints its URL, serves requests with the given flags, and exits 0 on SIGTERM", async () => {
    const run = start(["--", "--port", "0", "--fault-rate", "1", "--seed", "3"]);
    const url = await run.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const res = await fetch(`${url}/models`);
    expect(res.status).toBe(200);
    // --fault-rate 1: every unscripted chat request gets one of the default faults (a status or a reset).
    const faulted = await fetch(`${url}/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "a/b", messages: [{ role: "user", content: "hi" }] }),
    }).then(
      (response) => response.status,
      () => "reset",
    );
    expect(faulted).not.toBe(200);
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
  }, 30_000);

  it("loads a scenario file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mock-gateway-cli-"));
    dirs.push(dir);
    const file = join(dir, "chaos.yaml");
    await writeFile(file, "rules:\n  - match: { model: 'chaos/*' }\n    faults: [502]\n");
    const run = start(["--port", "0", "--scenario", file]);
    const url = await run.url;
    const res = await fetch(`${url}/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "chaos/x", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(502);
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
  }, 30_000);

  it("fails at start with a clear message for a bad scenario file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mock-gateway-cli-"));
    dirs.push(dir);
    const file = join(dir, "bad.yaml");
    await writeFile(file, "faultRate: 3\n");
    const run = start(["--scenario", file]);
    expect(await run.exited).toBe(2);
    expect(run.output().stderr).toMatch(/Invalid mock gateway scenario .*bad\.yaml:\n {2}- faultRate:/);
  }, 30_000);

  it("--fault-kinds picks what random faults serve, and a bad list names the flag", async () => {
    const run = start(["--port", "0", "--fault-rate", "1", "--fault-kinds", "418x"]);
    expect(await run.exited).toBe(2);
    expect(run.output().stderr).toMatch(/step 1 "418x" in the --fault-kinds flag/);
    const good = start(["--port", "0", "--fault-rate", "1", "--fault-kinds", "504"]);
    const url = await good.url;
    const res = await fetch(`${url}/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "a/b", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(504);
    good.child.kill("SIGTERM");
    expect(await good.exited).toBe(0);
  }, 30_000);

  it("rejects an unknown flag with exit code 2", async () => {
    const run = start(["--prot", "1"]);
    expect(await run.exited).toBe(2);
    expect(run.output().stderr).toMatch(/--prot/);
  }, 30_000);
});
