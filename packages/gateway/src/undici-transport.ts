import { type Dispatcher, Pool, util } from "undici";
import type { AbortCause, AbortListener, AttemptAbort } from "./attempt-abort.js";
import {
  type BodyReader,
  DRAIN_LIMIT_MS,
  type HeaderLookup,
  type Transport,
  type UpstreamReply,
} from "./transport.js";

/**
 * The default transport: one keep-alive undici `Pool` per client for the completions URL's origin, driven through
 * `pool.dispatch()` with one handler per exchange (`UndiciExchange` below), which skips the WHATWG Request/Response/stream
 * layers that fetch builds on every call, and the Readable body and signal plumbing of `pool.request()`.
 */
export function createUndiciTransport(url: string): Transport {
  const target = new URL(url);
  const path = `${target.pathname}${target.search}`;
  const pool = new Pool(target.origin);
  let closing: Promise<void> | undefined;
  return {
    send({ headers, body, abort }) {
      return new Promise<UpstreamReply>((resolve, reject) => {
        pool.dispatch(
          { path, method: "POST", headers, body },
          new UndiciExchange({ resolve, reject }, abort),
        );
      });
    },
    // Idempotent: a second close() waits for the first instead of throwing ClientDestroyedError.
    close: () => {
      closing ??= pool.close();
      return closing;
    },
  };
}

/** Chunks held before the socket is paused until the reader catches up (a streamed body read slower than it comes). */
const HIGH_WATER_CHUNKS = 16;

const DONE: IteratorResult<Uint8Array, unknown> = { done: true, value: undefined };

/**
 * One POST through `pool.dispatch()`: undici's handler for the exchange and, once the headers are in, the reader of
 * its body. `pool.request()` builds an AsyncResource, a Readable body stream and an abort-signal listener per call, and
 * reading that stream chunk by chunk builds an async iterator on top; this hands undici's chunks straight to the
 * reader's promises. Like `request()` it rejects with undici's own error before the headers, rejects a pending read
 * when the connection fails or the attempt is aborted, and aborting or cancelling destroys the socket.
 */
export class UndiciExchange implements Dispatcher.DispatchHandler, BodyReader, AbortListener {
  private abortRequest: ((reason?: Error) => void) | undefined;
  private resumeSocket: (() => void) | undefined;
  private settleHeaders: { resolve(reply: UpstreamReply): void; reject(error: unknown): void } | undefined;
  private waiting:
    | { resolve(chunk: IteratorResult<Uint8Array, unknown>): void; reject(error: unknown): void }
    | undefined;
  private chunks: Uint8Array[] = [];
  private ended = false;
  private failure: unknown;
  private paused = false;
  /** Set once the body is fully read, failed or cancelled: aborting is then a no-op. */
  private finished = false;
  /** Set by `drain`: the rest of the body is dropped as it comes; cancelled if it does not end in time. */
  private drainTimer: NodeJS.Timeout | undefined;
  private draining = false;

  constructor(
    settle: { resolve(reply: UpstreamReply): void; reject(error: unknown): void },
    private readonly attempt: AttemptAbort,
  ) {
    this.settleHeaders = settle;
    if (attempt.aborted) this.failure = attempt.reason;
    else attempt.listen(this);
  }

  attemptAborted(reason: AbortCause): void {
    if (this.finished) return;
    this.failure = reason;
    // Before onConnect the request is still queued in the pool: onConnect aborts it as soon as it is dispatched.
    this.abortRequest?.(reason as unknown as Error);
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.failure !== undefined) {
      abort(this.failure as Error);
      return;
    }
    this.abortRequest = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (statusCode < 200) return true;
    this.resumeSocket = resume;
    const settle = this.settleHeaders;
    this.settleHeaders = undefined;
    settle?.resolve({
      status: statusCode,
      headers: new RecordHeaders(util.parseHeaders(rawHeaders)),
      body: this,
    });
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.draining) return true;
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting.resolve({ done: false, value: chunk });
      return true;
    }
    this.chunks.push(chunk);
    if (this.chunks.length < HIGH_WATER_CHUNKS) return true;
    this.paused = true;
    return false;
  }

  onComplete(): void {
    this.ended = true;
    this.finished = true;
    this.attempt.listen(undefined);
    if (this.drainTimer) clearTimeout(this.drainTimer);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(DONE);
  }

  onError(error: Error): void {
    this.finished = true;
    this.attempt.listen(undefined);
    if (this.drainTimer) clearTimeout(this.drainTimer);
    this.failure ??= error;
    const settle = this.settleHeaders;
    this.settleHeaders = undefined;
    if (settle) {
      settle.reject(error);
      return;
    }
    const waiting = this.waiting;
    this.waiting = undefined;
    // A pending read gets the abort's reason when the attempt was aborted (as a destroyed Readable gives it).
    waiting?.reject(this.failure);
  }

  /**
   * Hands over everything queued since the last read as one chunk. A streamed answer often arrives in one socket
   * read (many SSE frames, one undici chunk each); a read per frame, each with its promise, decode and parse, cost
   * the stream path more than copying the frames (about 1 KiB) into one buffer.
   */
  read(): Promise<IteratorResult<Uint8Array, unknown>> {
    const queued = this.chunks.length;
    if (queued > 0) {
      const value = queued === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      this.chunks.length = 0;
      if (this.paused) {
        this.paused = false;
        this.resumeSocket?.();
      }
      return Promise.resolve({ done: false, value });
    }
    if (this.ended) return Promise.resolve(DONE);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  /**
   * Usually the body has already ended here (the terminator arrives with the last frame), so this costs nothing; else
   * chunks are dropped as they arrive, without a read per chunk, and one timer bounds the wait.
   */
  drain(): void {
    this.chunks.length = 0;
    if (this.finished || this.draining) return;
    this.draining = true;
    if (this.paused) {
      this.paused = false;
      this.resumeSocket?.();
    }
    this.drainTimer = setTimeout(cancelExchange, DRAIN_LIMIT_MS, this);
    this.drainTimer.unref();
  }

  cancel(): void {
    this.chunks.length = 0;
    if (this.drainTimer) clearTimeout(this.drainTimer);
    if (this.finished) return;
    this.finished = true;
    this.attempt.listen(undefined);
    this.abortRequest?.(new Error("the response body was cancelled"));
  }
}

function cancelExchange(exchange: UndiciExchange): void {
  exchange.cancel();
}

/** Node's lower-cased header record behind the `get` lookup; repeated headers join with ", " as `Headers` does. */
class RecordHeaders implements HeaderLookup {
  constructor(private readonly record: Record<string, string | string[] | undefined>) {}

  get(name: string): string | null {
    const value = this.record[name.toLowerCase()];
    if (value === undefined) return null;
    return typeof value === "string" ? value : value.join(", ");
  }
}
