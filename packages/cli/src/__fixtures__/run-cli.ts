import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { CliIo } from "../io.js";
import { main } from "../main.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `main` in-process with buffers for stdout/stderr and an optional stdin text. */
export async function runCli(
  argv: string[],
  options: { cwd: string; stdin?: string; env?: Record<string, string | undefined> },
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    cwd: options.cwd,
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    env: options.env ?? {},
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** A fresh temp directory; call the returned cleanup in afterEach. */
export async function makeTempDir(
  prefix = "promptreg-cli-",
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
