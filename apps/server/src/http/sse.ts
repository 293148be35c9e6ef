import type { ServerResponse } from "node:http";
import { SERVICE_LIMITS } from "../limits.js";

/**
 * A Server-Sent Events writer. Each frame is `event: <name>\ndata: <json>\n\n`; a comment line every
 * `heartbeatMs` keeps proxies from closing an idle stream while the model thinks.
 *
 * The status and headers are set here but not flushed on their own: the first write carries them in the same socket
 * write as the first frame (one packet instead of two, which is what a client waiting for its first byte sees).
 * Frames written in one tick leave together (Node corks the socket until the next tick); `flush` sends what is written
 * so far now, headers included.
 */
export interface SseWriter {
  send(event: string | undefined, data: unknown): void;
  /** Sends a raw `data:` line (the OpenAI facade ends with `data: [DONE]`). */
  sendRaw(data: string): void;
  /**
   * Hands what is written so far to the socket now, the headers alone if nothing was written. Without it, the frames
   * of one tick wait for the tick to end: when an upstream burst brings several events at once, that is the whole
   * rest of the burst's processing (streamRun flushes the first frame, so it does not wait for the events after it).
   */
  flush(): void;
  end(): void;
  readonly open: boolean;
}

export function openSse(
  res: ServerResponse,
  { heartbeatMs = SERVICE_LIMITS.sseHeartbeatMs }: { heartbeatMs?: number } = {},
): SseWriter {
  res.statusCode = 200;
  res.setHeader("Content-Type", "text/event-stream; charset=utf-8");
  res.setHeader("Cache-Control", "no-cache, no-transform");
  res.setHeader("Connection", "keep-alive");
  res.setHeader("X-Accel-Buffering", "no");
  let open = true;
  const heartbeat = setInterval(() => {
    if (open) res.write(": ping\n\n");
  }, heartbeatMs);
  heartbeat.unref();
  const close = () => {
    open = false;
    clearInterval(heartbeat);
  };
  res.on("close", close);
  return {
    get open() {
      return open && !res.writableEnded;
    },
    send(event, data) {
      if (!open || res.writableEnded) return;
      res.write(`${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`);
    },
    sendRaw(data) {
      if (!open || res.writableEnded) return;
      res.write(`data: ${data}\n\n`);
    },
    flush() {
      if (!open || res.writableEnded) return;
      if (!res.headersSent) {
        res.flushHeaders();
        return;
      }
      // res.write corked the socket and uncorks it on the next tick (node:http batches a tick's writes); uncorking
      // now writes the batch at once, and the pending uncork then finds nothing corked.
      const socket = res.socket;
      if (socket && socket.writableCorked > 0) socket.uncork();
    },
    end() {
      close();
      if (!res.writableEnded) res.end();
    },
  };
}
