import { type ChildProcess, spawn } from "node:child_process";
import { signRequest } from "@promptreg/signing";

const SERVER_DIR = new URL("../", import.meta.url).pathname;

/** The service's ready line; its group is the URL. */
export const SERVICE_READY = /promptreg listening on (http:\/\/127\.0\.0\.1:\d+)/;

/**
 * Starts `entry` (`src/main.ts`, the service, or `src/worker-main.ts`) under tsx with only `env` (plus PATH and
 * PORT=0) and waits for its ready line; resolves with the first group of `ready` and the child.
 */
export async function startProcess(
  entry: string,
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    cwd: SERVER_DIR,
    env: { PATH: process.env.PATH, PORT: "0", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr?.on("data", (chunk) => {
      stderr += String(chunk);
      const match = ready.exec(stderr);
      if (match) resolve(match[1] ?? "");
    });
    child.once("exit", (code) => reject(new Error(`${entry} exited with ${code}: ${stderr}`)));
  });
  return { url, child };
}

/** A request signed on the spot as client `keyId`. */
export function signedFetch({
  url,
  pathAndQuery,
  method = "GET",
  body = "",
  keyId,
  secret,
}: {
  url: string;
  pathAndQuery: string;
  method?: string;
  body?: string;
  keyId: string;
  secret: string;
}): Promise<Response> {
  const headers = signRequest({ keyId, secret, method, pathAndQuery, body });
  return fetch(url + pathAndQuery, {
    method,
    headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) },
    body: body || undefined,
  });
}

/**
 * Waits until the service answers /readyz with 200 (a loaded box may connect to Redis after the service listens),
 * then into the next second: with Redis the nonce store refuses requests signed before its epoch second.
 */
export async function untilReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${url}/readyz`).catch(() => undefined);
    await response?.arrayBuffer();
    if (response?.status === 200) break;
    if (Date.now() > deadline)
      throw new Error(`${url}/readyz still answers ${response?.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await new Promise((resolve) => setTimeout(resolve, 1_005 - (Date.now() % 1_000)));
}
