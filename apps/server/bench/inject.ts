import { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { Duplex } from "node:stream";
import type { Express } from "express";

export interface InjectedAnswer {
  status: number;
  body: string;
}

/**
 * One POST through `app` as node:http would hand it over: a real IncomingMessage and ServerResponse over an in-memory
 * socket that keeps what is written, so a benchmark measures the app's own work without the kernel's socket reads and
 * writes (stack-micro.ts, run-micro.ts). `bodyAfter` (default) keeps node:http's order: the app gets the request when
 * its headers are parsed, and the body bytes that came in the same socket read are pushed right after the app's
 * synchronous part returns, before any microtask runs; false pushes them before.
 */
export function inject(
  app: Express,
  {
    path,
    headers,
    body,
    bodyAfter = true,
  }: { path: string; headers: Record<string, string>; body: string; bodyAfter?: boolean },
): Promise<InjectedAnswer> {
  return new Promise((resolve) => {
    const written: Buffer[] = [];
    const socket = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        written.push(chunk);
        callback();
      },
    }) as unknown as Socket;
    const req = new IncomingMessage(socket);
    req.method = "POST";
    req.url = path;
    req.httpVersion = "1.1";
    req.httpVersionMajor = 1;
    req.httpVersionMinor = 1;
    req.headers = { host: "127.0.0.1", "content-length": String(Buffer.byteLength(body)), ...headers };
    const pushBody = () => {
      req.push(body);
      req.push(null);
      // node:http's parser sets it with the last body byte; without it the request counts as aborted once read.
      req.complete = true;
    };
    const res = new ServerResponse(req);
    res.assignSocket(socket);
    if (!bodyAfter) pushBody();
    res.on("finish", () => {
      res.detachSocket(socket);
      // node:http's server emits 'close' after 'finish'; the service's metrics, stats and log line hang off it.
      res.emit("close");
      const text = Buffer.concat(written).toString("utf8");
      resolve({ status: res.statusCode, body: text.slice(text.indexOf("\r\n\r\n") + 4) });
    });
    app(req, res);
    if (bodyAfter) pushBody();
  });
}
