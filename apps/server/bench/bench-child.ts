import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Starts one of this folder's child processes (mock.ts, serve.ts) under tsx with NODE_ENV=production; `url` resolves
 * with the URL the child sends over IPC when it listens. The child exits when this process disconnects.
 */
export function startBenchChild(
  file: string,
  env: Record<string, string> = {},
): { child: ChildProcess; url: Promise<string> } {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, ...env, NODE_ENV: "production" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const url = new Promise<string>((resolve, reject) => {
    child.once("message", (message) => resolve((message as { url: string }).url));
    child.once("exit", (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  return { child, url };
}

/**
 * The mock gateway and the service in front of it (serve.ts, signed with `secret`), each in a child process: what
 * profile-service.ts and run-cost.ts drive.
 */
export async function startMockAndService(secret: string) {
  const mock = startBenchChild("./mock.ts");
  const mockUrl = await mock.url;
  const service = startBenchChild("./serve.ts", {
    MOCK_URL: mockUrl,
    BENCH_SECRET: secret,
    BASELINE_BODY: "{}",
  });
  return { mock, mockUrl, service, serviceUrl: await service.url };
}
