import { type ChildProcess, spawn } from "node:child_process";

/** A long-running process started for a test (a server, a proxy), with everything it wrote kept for messages. */
export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  /** SIGKILL if still running, then waits for the exit; safe to call twice. For afterAll. */
  stop(): Promise<void>;
}

/**
 * Starts `command` and resolves once a line of its output matches `ready`; rejects (after killing it) when it exits
 * first or `readyTimeoutMs` passes, with its output in the message.
 */
export async function startServiceProcess({
  name,
  command,
  args,
  cwd,
  env,
  ready,
  readyTimeoutMs = 120_000,
}: {
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  /** The whole environment: nothing is inherited. */
  env: Record<string, string>;
  ready: RegExp;
  readyTimeoutMs?: number;
}): Promise<ServiceProcess> {
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
      child.kill("SIGKILL");
    if (child.pid !== undefined) await exited;
  };
  const handle: ServiceProcess = { name, child, output: () => output, stop };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} not ready within ${readyTimeoutMs} ms:\n${output}`)),
        readyTimeoutMs,
      );
      const collect = (chunk: Buffer) => {
        output += String(chunk);
        if (ready.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on("data", collect);
      child.stderr?.on("data", collect);
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(new Error(`${name} (${command}) could not start: ${error.message}`));
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${output}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return handle;
}
