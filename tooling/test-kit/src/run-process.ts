import { spawn } from "node:child_process";

export interface ProcessResult {
  /** The exit code; null when a signal ended the process. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunProcessOptions {
  cwd?: string;
  /** The child's whole environment (default: this process's). Spread `process.env` in to add to it. */
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed (default: empty). */
  stdin?: string;
  /** Kills the child with SIGTERM when over and rejects; 0 or absent: no limit. */
  timeoutMs?: number;
}

/**
 * Runs a command to completion without a shell and collects its output: the one child-process runner of the tests
 * (the CLI binary, the Python signer, packing commands). Never rejects on a non-zero exit, the caller asserts on
 * `code`; rejects when the command cannot start or runs past `timeoutMs`.
 */
export function runProcess(
  command: string,
  args: readonly string[],
  { cwd, env = process.env, stdin = "", timeoutMs = 0 }: RunProcessOptions = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            child.kill("SIGTERM");
          }, timeoutMs)
        : undefined;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(
          new Error(`${command} ${args.join(" ")} ran past ${timeoutMs} ms and was killed`, {
            cause: stderr,
          }),
        );
      } else resolve({ code, stdout, stderr });
    });
    // A child that exits without reading its stdin must not fail the run with EPIPE.
    child.stdin.on("error", () => {});
    child.stdin.end(stdin);
  });
}
