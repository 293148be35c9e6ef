import { once } from "node:events";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { AttemptAbort } from "../src/attempt-abort.js";
import { AbortedError, createGatewayClient, type GatewayClient } from "../src/index.js";
import type { Transport } from "../src/transport.js";
import { createUndiciTransport } from "../src/undici-transport.js";
import { KEY, MESSAGES } from "./harness.js";

/**
 * The default (undici) transport's own obligations, against a bare node:http server: an abort destroys the socket
 * instead of leaving it open, and `close()` ends the pooled keep-alive connection.
 */
let server: Server | undefined;
let client: GatewayClient | undefined;
afterEach(async () => {
  await client?.close();
  // A test that started no server must not wait for a close that never comes.
  const started = server;
  if (started) {
    started.closeAllConnections();
    await new Promise((resolve) => started.close(resolve));
  }
  server = client = undefined;
});

const frame = (content: string) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;

async function start(handler: (res: ServerResponse) => void): Promise<{ url: string; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => handler(res));
  });
  server.on("connection", (socket) => sockets.push(socket));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, sockets };
}

/** Runs `use` with a bare undici transport to `url`'s completions path, closed afterwards. */
async function withTransport(url: string, use: (transport: Transport) => Promise<void>): Promise<void> {
  const transport = createUndiciTransport(`${url}/chat/completions`);
  try {
    await use(transport);
  } finally {
    await transport.close();
  }
}

describe("undici transport", () => {
  it("destroys the socket when a stream is aborted mid-body", async () => {
    const { url, sockets } = await start((res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(frame("first"));
      // Never ends: only the client's abort can finish this exchange.
    });
    client = createGatewayClient({ baseUrl: url, apiKey: KEY });
    const stream = client.chatStream({ model: "m", messages: MESSAGES });
    for await (const delta of stream) {
      expect(delta.text).toBe("first");
      break;
    }
    await expect(stream.result).rejects.toSatisfy((e: unknown) => AbortedError.isInstance(e));
    const socket = sockets[0]!;
    if (!socket.destroyed) await once(socket, "close");
    expect(socket.destroyed).toBe(true);
  });

  it("reuses keep-alive connections across calls, and close() ends them", async () => {
    const { url, sockets } = await start((res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ model: "m", choices: [{ index: 0, message: { content: "hi" } }] }));
    });
    client = createGatewayClient({ baseUrl: url, apiKey: KEY });
    for (let i = 0; i < 10; i++)
      expect((await client.chat({ model: "m", messages: MESSAGES })).text).toBe("hi");
    // The pool may open a second connection while the first is finishing its response; it must not open one per call.
    expect(sockets.length).toBeLessThan(10);
    expect(sockets.some((socket) => !socket.destroyed)).toBe(true);
    await client.close();
    for (const socket of sockets) if (!socket.destroyed) await once(socket, "close");
    expect(sockets.every((socket) => socket.destroyed)).toBe(true);
  });

  it("holds a body that arrives faster than it is read, pausing the socket, and hands over every byte in order", async () => {
    // 256 writes of 16 KiB: far more than the 16 chunks the exchange queues before pausing the socket.
    const piece = (i: number) => Buffer.alloc(16 * 1024, i % 251);
    const { url } = await start((res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      let i = 0;
      const writeMore = () => {
        while (i < 256) {
          if (!res.write(piece(i++))) {
            res.once("drain", writeMore);
            return;
          }
        }
        res.end();
      };
      writeMore();
    });
    await withTransport(url, async (transport) => {
      const reply = await transport.send({ headers: {}, body: "{}", abort: new AttemptAbort() });
      // Nothing is read until the server has had time to fill the queue (and the socket's buffers behind it).
      await new Promise((resolve) => setTimeout(resolve, 200));
      const received: Buffer[] = [];
      for (;;) {
        const chunk = await reply.body!.read();
        if (chunk.done) break;
        received.push(Buffer.from(chunk.value));
      }
      const expected = Buffer.concat(Array.from({ length: 256 }, (_, i) => piece(i)));
      expect(Buffer.concat(received).equals(expected)).toBe(true);
    });
  });

  it("hands over what arrived while nobody was reading in one read", async () => {
    const frames = ["a", "b", "c", "d", "e"].map(frame);
    const { url } = await start((res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      // One HTTP chunk per frame, as gateways write them.
      for (const f of frames) res.write(f);
      res.end();
    });
    await withTransport(url, async (transport) => {
      const reply = await transport.send({ headers: {}, body: "{}", abort: new AttemptAbort() });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const first = await reply.body!.read();
      expect(new TextDecoder().decode(first.value as Uint8Array)).toBe(frames.join(""));
      expect((await reply.body!.read()).done).toBe(true);
    });
  });

  it("drains a body whose tail comes later without giving up the keep-alive connection", async () => {
    const { url, sockets } = await start((res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(frame("first"));
      // The tail, several chunks of it, arrives after the reader has let go of the body.
      setTimeout(() => {
        for (let i = 0; i < 40; i++) res.write(frame(`more ${i}`));
        res.end("data: [DONE]\n\n");
      }, 20);
    });
    await withTransport(url, async (transport) => {
      const first = await transport.send({ headers: {}, body: "{}", abort: new AttemptAbort() });
      expect((await first.body!.read()).done).toBe(false);
      first.body!.drain();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const second = await transport.send({ headers: {}, body: "{}", abort: new AttemptAbort() });
      expect(new TextDecoder().decode((await second.body!.read()).value as Uint8Array)).toBe(frame("first"));
      second.body!.cancel();
      expect(sockets.length).toBe(1);
    });
  });

  it("rejects the pending read with the abort's reason when the attempt is aborted mid-body", async () => {
    const { url, sockets } = await start((res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(frame("first"));
    });
    await withTransport(url, async (transport) => {
      const abort = new AttemptAbort();
      const reply = await transport.send({ headers: {}, body: "{}", abort });
      expect((await reply.body!.read()).done).toBe(false);
      const pending = reply.body!.read();
      abort.abort({ kind: "idle", ms: 5 });
      await expect(pending).rejects.toEqual({ kind: "idle", ms: 5 });
      const socket = sockets[0]!;
      if (!socket.destroyed) await once(socket, "close");
      expect(socket.destroyed).toBe(true);
    });
  });
});
