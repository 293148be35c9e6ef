import { Pool } from "undici";

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
  signal: AbortSignal;
}

/**
 * Sends one POST to the completions URL. Rejects with the transport's own error before the response headers
 * (the attempt classifies it); once it resolves, body reads reject when the connection fails or `signal` fires.
 */
export interface Transport {
  send(request: UpstreamRequest): Promise<UpstreamReply>;
  /** Closes pooled connections once calls in flight finish; calling it again returns the same promise. */
  close(): Promise<void>;
}

/** The transport over an injected (or the global) `fetch`: each `Response` body becomes a WHATWG reader. */
export function createFetchTransport(fetchImpl: typeof globalThis.fetch, url: string): Transport {
  return {
    async send({ headers, body, signal }) {
      const response = await fetchImpl(url, { method: "POST", headers, body, signal });
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

/**
 * The default transport: one keep-alive undici `Pool` per client for the completions URL's origin, driven through
 * `pool.request()`, which skips the WHATWG Request/Response/stream layers that fetch builds on every call.
 */
export function createUndiciTransport(url: string): Transport {
  const target = new URL(url);
  const path = `${target.pathname}${target.search}`;
  const pool = new Pool(target.origin);
  let closing: Promise<void> | undefined;
  return {
    async send({ headers, body, signal }) {
      const response = await pool.request({ path, method: "POST", headers, body, signal });
      const stream = response.body;
      const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Uint8Array, unknown>;
      return {
        status: response.statusCode,
        headers: new RecordHeaders(response.headers),
        body: {
          read: () => iterator.next(),
          cancel: () => {
            stream.destroy();
          },
        },
      };
    },
    // Idempotent: a second close() waits for the first instead of throwing ClientDestroyedError.
    close: () => {
      closing ??= pool.close();
      return closing;
    },
  };
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

function ignore(): void {}
