/** Where a command writes. Only `write` is used, so a `process.stdout` or a test buffer both fit. */
export interface TextSink {
  write(chunk: string): unknown;
  /** True on a terminal (`promptreg batch status --watch` then draws a progress bar instead of plain lines). */
  isTTY?: boolean | undefined;
}

/**
 * Everything a command touches outside its arguments. `bin.ts` passes the real process streams; tests pass
 * buffers, a temp cwd and a readable stdin so commands run in-process.
 */
export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  /** Absolute directory that relative paths in arguments are resolved against. */
  cwd: string;
  stdin: AsyncIterable<string | Uint8Array>;
  /** Environment variables (`call` reads PROMPTREG_URL, PROMPTREG_KEY_ID, PROMPTREG_SECRET); absent means none. */
  env?: Readonly<Record<string, string | undefined>>;
}

export function createProcessIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    stdin: process.stdin,
    env: process.env,
  };
}

/** Collects a whole stream as UTF-8 text (used for `--input -`). */
export async function readAllText(stream: AsyncIterable<string | Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) {
    text += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}
