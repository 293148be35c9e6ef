import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { vi } from "vitest";

/** apps/server of this workspace: the service these helpers start from source, as `pnpm start` does. */
const SERVER_DIR = fileURLToPath(new URL("../../../apps/server/", import.meta.url));

/**
 * How long a process may take to print its ready line. Under a second on a quiet box, but tsx compiling the service
 * on a 2-core box at load 20 took over 30 s (two replica tests failed to start once); the test files' hook and test
 * timeouts (120 s) leave room for one start at this bound.
 */
const START_TIMEOUT_MS = 90_000;

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Everything read from stdout so far (empty when stdout is left unread). */
  stdout(): string;
  /** Resolves with the exit code once the process has exited. */
  exited(): Promise<number | null>;
  /** SIGKILL if still running; for afterAll. */
  kill(): Promise<void>;
}

/**
 * Starts `src/main.ts` as a real process on port 0 and waits for its "listening" banner. `readStdout: false` leaves
 * the stdout pipe unread, so it fills and stalls like a log shipper that stopped reading.
 */
export function startServerProcess({
  env,
  readStdout = true,
}: {
  env: Record<string, string>;
  readStdout?: boolean;
}): Promise<ServerProcess> {
  return startProcess({
    entry: "src/main.ts",
    env,
    readStdout,
    ready: /promptreg listening on (http:\/\/127\.0\.0\.1:\d+)/,
  });
}

/**
 * Starts `src/worker-main.ts` (`pnpm worker`) on a free port and waits for its "ready" line; `url` is its health and
 * metrics endpoint (/healthz, /readyz, /metrics).
 */
export function startWorkerProcess({ env }: { env: Record<string, string> }): Promise<ServerProcess> {
  return startProcess({
    entry: "src/worker-main.ts",
    env: { PROMPTREG_WORKER_PORT: "0", ...env },
    readStdout: true,
    ready: /promptreg batch worker ready .*; health and metrics on (http:\/\/127\.0\.0\.1:\d+)/,
  });
}

async function startProcess({
  entry,
  env,
  readStdout,
  ready,
}: {
  entry: string;
  env: Record<string, string>;
  readStdout: boolean;
  /** Matched against stderr; its first group is the URL. */
  ready: RegExp;
}): Promise<ServerProcess> {
  const child = spawnEntry(entry, env);
  let stderr = "";
  let stdout = "";
  child.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  if (readStdout) {
    child.stdout?.on("data", (chunk) => {
      stdout += String(chunk);
    });
  }
  const exited = () =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
      else child.once("exit", (code) => resolve(code));
    });
  let url = "";
  await vi.waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}: ${stderr}`);
      const match = ready.exec(stderr);
      if (!match) throw new Error(`not ready yet: ${stderr}`);
      url = match[1] as string;
    },
    { timeout: START_TIMEOUT_MS, interval: 100 },
  );
  return {
    child,
    url,
    stderr: () => stderr,
    stdout: () => stdout,
    exited,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited();
      }
    },
  };
}

function spawnEntry(entry: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", entry], {
    cwd: SERVER_DIR,
    env: { PATH: process.env.PATH, NODE_ENV: "development", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Starts `src/main.ts` expecting it to refuse to start; resolves with its exit code and stderr. */
export async function startServerExpectingExit({
  env,
}: {
  env: Record<string, string>;
}): Promise<{ code: number | null; stderr: string }> {
  const child = spawnEntry("src/main.ts", env);
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  child.stdout?.resume();
  const code = await new Promise<number | null>((resolve) => child.once("close", (exit) => resolve(exit)));
  return { code, stderr };
}
