import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ServerProcess, startServerProcess } from "@promptreg/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_TEMPLATES } from "./harness.js";

// A log shipper that stopped reading: the service's stdout is a pipe nobody drains. Logging must not stall the
// service, and SIGTERM must still end the process (the final flush is bounded).
let dir: string;
let server: ServerProcess;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "promptreg-stalled-stdout-"));
  await cp(FIXTURE_TEMPLATES, path.join(dir, "templates"), { recursive: true });
  server = await startServerProcess({
    readStdout: false,
    env: {
      LOG_LEVEL: "info",
      PROMPTREG_WATCH: "off",
      PROMPTREG_AUTH: "off",
      PROMPTREG_TEMPLATES_DIR: path.join(dir, "templates"),
    },
  });
}, 60_000);

afterAll(async () => {
  await server.kill();
  await rm(dir, { recursive: true, force: true });
});

/** Resolves with the exit code, or with "still running" once `ms` have passed. */
function exitWithin(ms: number): Promise<number | null | "still running"> {
  return Promise.race([
    server.exited(),
    new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), ms).unref()),
  ]);
}

describe("a stdout pipe nobody reads", () => {
  it("neither stalls requests nor keeps the process from exiting after SIGTERM", {
    timeout: 120_000,
  }, async () => {
    // Each request logs its path: 64 lines of ~8 KB are far more than a pipe holds (64 KiB on Linux).
    const longPath = `/${"x".repeat(8000)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 64; i++) {
      const response = await fetch(server.url + longPath, { signal: AbortSignal.timeout(30_000) });
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    expect(statuses.every((status) => status === 404)).toBe(true);
    expect((await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(30_000) })).status).toBe(200);

    server.child.kill("SIGTERM");
    expect(await exitWithin(60_000)).toBe(0);
  });
});
