import type { OutgoingHttpHeaders, ServerResponse } from "node:http";

/**
 * Writes Server-Sent Events the way OpenAI-compatible gateways do: `data: <json>\n\n` frames and a final
 * `data: [DONE]`. Every write is skipped once the client has gone, so fault paths never write to a dead socket.
 */
export class SseWriter {
  readonly #res: ServerResponse;

  constructor(res: ServerResponse) {
    this.#res = res;
  }

  get open(): boolean {
    return !this.#res.destroyed && !this.#res.writableEnded;
  }

  start(headers: OutgoingHttpHeaders): void {
    this.#res.writeHead(200, {
      ...headers,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    // Headers go out now, not with the first frame, so a stall after 0 chunks still shows a 200.
    this.#res.flushHeaders();
  }

  data(payload: unknown): void {
    if (this.open) this.#res.write(`data: ${JSON.stringify(payload)}\n\n`);
  }

  /** A frame whose payload is written verbatim (used for the deliberately malformed frame). */
  rawData(text: string): void {
    if (this.open) this.#res.write(`data: ${text}\n\n`);
  }

  done(): void {
    if (this.open) this.#res.end("data: [DONE]\n\n");
  }

  end(): void {
    if (this.open) this.#res.end();
  }
}
