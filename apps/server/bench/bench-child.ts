import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";

interface ChildOptions {
  env?: Record<string, string>;
  preload?: string;
}

/**
 * Starts one of this folder's child processes (mock.ts, serve.ts) under tsx with NODE_ENV=production; `url` resolves
 * with the URL the child sends over IPC when it listens. The child exits when this process disconnects. `preload` is a
 * module of this folder loaded before the child's own (ttfb-hops.ts loads hop-clock.ts).
 */
export function startBenchChild(
  file: string,
  env: Record<string, string> = {},
  { preload }: { preload?: string } = {},
): { child: ChildProcess; url: Promise<string> } {
  const preloads = preload ? ["--import", fileURLToPath(new URL(preload, import.meta.url))] : [];
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), {
    execArgv: ["--import", "tsx", ...preloads],
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
 * profile-service.ts, run-cost.ts and ttfb-hops.ts drive. `env` and `preload` are each child's (startBenchChild).
 */
export async function startMockAndService(
  secret: string,
  children: { mock?: ChildOptions; service?: ChildOptions } = {},
) {
  const mock = startBenchChild("./mock.ts", children.mock?.env, children.mock);
  const mockUrl = await mock.url;
  const service = startBenchChild(
    "./serve.ts",
    { ...children.service?.env, MOCK_URL: mockUrl, BENCH_SECRET: secret, BASELINE_BODY: "{}" },
    children.service,
  );
  return { mock, mockUrl, service, serviceUrl: await service.url };
}
