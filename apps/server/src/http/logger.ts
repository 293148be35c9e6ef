import { type DestinationStream, type Logger, pino } from "pino";
import { SERVICE_LIMITS } from "../limits.js";

/**
 * Header and field names whose values are secrets. Our own log lines never include them, and pino's redaction
 * is the second line of defence should a future change log a whole request or error.
 */
const REDACT = [
  "authorization",
  "apiKey",
  "secret",
  "secrets",
  "*.authorization",
  "*.apiKey",
  "*.secret",
  "*.secrets",
  'headers["authorization"]',
  'headers["x-promptreg-signature"]',
  '*.headers["authorization"]',
  '*.headers["x-promptreg-signature"]',
];

export function createLogger({
  level = "info",
  destination,
}: {
  level?: string;
  destination?: DestinationStream;
} = {}): Logger {
  const options = {
    level,
    base: { service: "promptreg-server" },
    redact: { paths: REDACT, censor: "[redacted]" },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** The process's log output: stdout, written asynchronously, with a bounded buffer and a bounded final flush. */
export interface LogOutput {
  destination: DestinationStream;
  /**
   * Flushes what is buffered, waiting at most `timeoutMs`; then, if the reader is still not taking it, drops the rest
   * so the process can exit. Call it last, right before `process.exit`.
   */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

/**
 * Log lines go to stdout without blocking the event loop: a log shipper that stops reading (a full pipe) must not
 * stall requests, and a synchronous write to a full pipe never returns. Lines wait in a buffer of at most
 * `SERVICE_LIMITS.logBufferBytes` (beyond it new lines are dropped, never memory). pino's own exit hook flushes
 * synchronously, which waits forever on a stalled pipe, so `close` must run before exiting.
 */
export function createStdoutLogOutput(): LogOutput {
  const stream = pino.destination({ dest: 1, sync: false, maxLength: SERVICE_LIMITS.logBufferBytes });
  // A vanished reader (EPIPE) is handled by pino; any other write error only costs log lines, never the process.
  stream.on("error", () => {});
  let closing = false;
  return {
    destination: stream,
    close: async ({ timeoutMs = SERVICE_LIMITS.logFlushTimeoutMs } = {}) => {
      if (closing) return;
      closing = true;
      let timer: NodeJS.Timeout | undefined;
      const ended = await Promise.race([
        new Promise<boolean>((resolve) => {
          stream.once("close", () => resolve(true));
          // Writes what is buffered, then closes (sonic-boom's flush() does not wait for the write).
          stream.end();
        }),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (!ended) stream.destroy();
    },
  };
}

export type { Logger };
