import type { AbortCause, AbortListener, AttemptAbort } from "./attempt-abort.js";

/** Response headers, looked up by lower-case name; a `Headers` object fits. */
export interface HeaderLookup {
  get(name: string): string | null;
}

/** Reads a response body chunk by chunk; `cancel` drops the rest (and, for the undici transport, the socket). */
export interface BodyReader {
  read(): Promise<IteratorResult<Uint8Array, unknown>>;
  cancel(): void;
  /**
   * The reader has what it needs: the rest of the body (usually just the chunked-encoding terminator, often already
   * in) is read and dropped in the background instead of cancelled, since a cancelled body costs the keep-alive
   * connection the next call would reuse. A tail that has not ended within `DRAIN_LIMIT_MS` is cancelled.
   */
  drain(): void;
}

/** How long `drain` waits for the tail of a body before it cancels it (and so gives up the connection). */
export const DRAIN_LIMIT_MS = 1_000;

/** What both transports hand to the attempt: status, headers, and a body read chunk by chunk. */
export interface UpstreamReply {
  status: number;
  headers: HeaderLookup;
  /** Undefined when the response has no body (fetch's `null` body). */
  body: BodyReader | undefined;
}

export interface UpstreamRequest {
  headers: Record<string, string>;
  body: string;
  /** Aborting it rejects `send` (or, once it resolved, the pending body read) and drops the connection. */
  abort: AttemptAbort;
}

/**
 * Sends one POST to the completions URL. Rejects with the transport's own error before the response headers
 * (the attempt classifies it); once it resolves, body reads reject when the connection fails or `abort` fires.
 */
export interface Transport {
  send(request: UpstreamRequest): Promise<UpstreamReply>;
  /** Closes pooled connections once calls in flight finish; calling it again returns the same promise. */
  close(): Promise<void>;
}

/** The transport over an injected (or the global) `fetch`: each `Response` body becomes a WHATWG reader. */
export function createFetchTransport(fetchImpl: typeof globalThis.fetch, url: string): Transport {
  return {
    async send({ headers, body, abort }) {
      const response = await fetchImpl(url, { method: "POST", headers, body, signal: abortSignal(abort) });
      return {
        status: response.status,
        headers: response.headers,
        body: response.body ? webReader(response.body.getReader()) : undefined,
      };
    },
    close: () => Promise.resolve(),
  };
}

function webReader(reader: ReadableStreamDefaultReader<Uint8Array>): BodyReader {
  const body: BodyReader = {
    read: () => reader.read() as Promise<IteratorResult<Uint8Array, unknown>>,
    cancel: () => {
      reader.cancel().catch(ignore);
    },
    drain: () => {
      void drainInBackground(body);
    },
  };
  return body;
}

/** The fetch body's `drain`: reads the tail through the reader, which a WHATWG stream needs to release its connection. */
async function drainInBackground(body: BodyReader): Promise<void> {
  const timer = setTimeout(cancelBody, DRAIN_LIMIT_MS, body);
  timer.unref();
  try {
    for (;;) if ((await body.read()).done) break;
  } catch {
    // A tail that fails to arrive costs only the connection.
  } finally {
    clearTimeout(timer);
  }
}

function cancelBody(body: BodyReader): void {
  body.cancel();
}

/** A real AbortSignal following the attempt, for fetch. */
function abortSignal(abort: AttemptAbort): AbortSignal {
  const controller = new AbortController();
  if (abort.aborted) controller.abort(abort.reason);
  else abort.listen(new SignalForwarder(controller));
  return controller.signal;
}

class SignalForwarder implements AbortListener {
  constructor(private readonly controller: AbortController) {}

  attemptAborted(reason: AbortCause): void {
    this.controller.abort(reason);
  }
}

function ignore(): void {}
