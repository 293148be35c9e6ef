import type { AbortCause, AbortListener, AttemptAbort } from "./attempt-abort.js";

/** Response headers, looked up by lower-case name; a `Headers` object fits. */
export interface HeaderLookup {
  get(name: string): string | null;
}

/** Reads a response body chunk by chunk; `cancel` drops the rest (and, for the undici transport, the socket). */
export interface BodyReader {
  read(): Promise<IteratorResult<Uint8Array, unknown>>;
  cancel(): void;
}

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
  return {
    read: () => reader.read() as Promise<IteratorResult<Uint8Array, unknown>>,
    cancel: () => {
      reader.cancel().catch(ignore);
    },
  };
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
