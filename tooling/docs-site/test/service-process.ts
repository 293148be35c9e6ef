import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The real promptreg service as a child process (`apps/server/src/main.ts`), on 127.0.0.1 with a free port. */
export interface ServiceProcess {
  url: string;
  /** The development credential file the service wrote (PROMPTREG_DEV_CLIENT_FILE). */
  devClientFile: string;
  devClient: { keyId: string; secret: string };
  stop(): Promise<void>;
}

/**
 * Starts the service the way `pnpm start` does (simulated gateway, development credential) on the repository's
 * templates/, waits until it listens, and stops it with SIGTERM (SIGKILL after 10 s).
 */
export async function startService(): Promise<ServiceProcess> {
  const dir = await mkdtemp(path.join(tmpdir(), "promptreg-docs-service-"));
  const devClientFile = path.join(dir, "dev-client.json");
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: path.join(REPO_ROOT, "apps", "server"),
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "development",
      PORT: "0",
      LOG_LEVEL: "warn",
      PROMPTREG_TEMPLATES_DIR: path.join(REPO_ROOT, "templates"),
      PROMPTREG_DEV_CLIENT_FILE: devClientFile,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += String(chunk)));
  child.stderr?.on("data", (chunk) => (output += String(chunk)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const deadline = setTimeout(
      () => reject(new Error(`service did not start within 60 s:\n${output}`)),
      60_000,
    );
    const check = () => {
      const match = /promptreg listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(deadline);
        resolve(match[1]!);
      }
    };
    child.stdout?.on("data", check);
    child.stderr?.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(deadline);
      reject(new Error(`service exited with ${code} before listening:\n${output}`));
    });
  });
  const devClient = JSON.parse(await readFile(devClientFile, "utf8")) as { keyId: string; secret: string };
  return {
    url,
    devClientFile,
    devClient,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(killer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
