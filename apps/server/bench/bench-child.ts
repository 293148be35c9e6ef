import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ChatRequest } from "@promptreg/gateway";
import { signRequest } from "@promptreg/signing";
import type { DirectLoad, DirectResult } from "./direct-caller.js";
import { RENDER_BODY } from "./request-bodies.js";

interface ChildOptions {
  env?: Record<string, string>;
  preload?: string;
}

/**
 * Starts one of this folder's child processes (mock.ts, serve.ts, direct-caller.ts, ...) under tsx with NODE_ENV=production; `url` resolves
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

/**
 * The render target's baseline (bare-express.ts) in a process of its own, answering exactly what the service at
 * `serviceUrl` (signed with `secret`, key `bench`) answers to RENDER_BODY: what run-cost.ts and profile-service.ts
 * compare the service with.
 */
export async function startBareBeside(serviceUrl: string, secret: string) {
  const probe = await fetch(`${serviceUrl}/v1/render`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...signRequest({
        keyId: "bench",
        secret,
        method: "POST",
        pathAndQuery: "/v1/render",
        body: RENDER_BODY,
      }),
    },
    body: RENDER_BODY,
  });
  const answer = await probe.text();
  if (probe.status !== 200) throw new Error(`the service's render answered ${probe.status}: ${answer}`);
  const bare = startBenchChild("./bare-express.ts", { BASELINE_BODY: answer });
  return { bare, bareUrl: await bare.url };
}

/**
 * The direct side of row b in a child process of its own (direct-caller.ts): the gateway client calling the mock at
 * `mockUrl` with `request`. `load` runs `callers` concurrent callers for `seconds` there and resolves with each call's
 * latency (ms) and the load's elapsed time; it rejects if the child dies (a failed call ends it).
 */
export async function startDirectCaller(mockUrl: string, request: ChatRequest) {
  const { child, url } = startBenchChild("./direct-caller.ts", {
    MOCK_URL: mockUrl,
    CHAT_REQUEST: JSON.stringify(request),
  });
  await url;
  const load = (options: DirectLoad) =>
    new Promise<DirectResult>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`direct-caller.ts exited with ${code}`));
      child.once("exit", onExit);
      child.once("message", (result) => {
        child.off("exit", onExit);
        resolve(result as DirectResult);
      });
      child.send(options);
    });
  return { child, load };
}
