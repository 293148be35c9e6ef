import { once } from "node:events";
import { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { Duplex } from "node:stream";
import { describe, expect, it } from "vitest";
import { takeBufferedBody } from "./read-body.js";

/** A request as node:http hands it over, its headers parsed; `chunks` are what has arrived of the body so far. */
function request(
  headers: Record<string, string>,
  chunks: string[],
  { complete = true } = {},
): IncomingMessage {
  const socket = new Duplex({ read() {}, write: (_chunk, _encoding, callback) => callback() });
  const req = new IncomingMessage(socket as unknown as Socket);
  req.method = "POST";
  req.headers = headers;
  for (const chunk of chunks) req.push(chunk);
  if (complete) {
    req.push(null);
    req.complete = true;
  }
  return req;
}

describe("takeBufferedBody", () => {
  it("takes a body that has all arrived, in however many pieces, and lets the request end", async () => {
    const req = request({ "content-length": "11" }, ['{"a":', "[1,2", "]}"]);
    expect(takeBufferedBody(req, 100)?.toString()).toBe('{"a":[1,2]}');
    await once(req, "end");
  });

  it("takes a complete body whose end node:http has not seen yet", () => {
    const req = request({ "content-length": "2" }, ["{}"], { complete: false });
    expect(takeBufferedBody(req, 100)?.toString()).toBe("{}");
  });

  it("answers an empty body for a request that declares none", () => {
    expect(takeBufferedBody(request({}, []), 100)).toEqual(Buffer.alloc(0));
    expect(takeBufferedBody(request({ "content-length": "0" }, []), 100)).toEqual(Buffer.alloc(0));
  });

  it("leaves to readBody, reading nothing, a body still arriving, chunked, over the limit or already being read", () => {
    const cases = [
      request({ "content-length": "10" }, ['{"a":'], { complete: false }),
      request({ "transfer-encoding": "chunked" }, ["{}"]),
      request({ "content-length": "11" }, ['{"a":[1,2]}']),
      (() => {
        const flowing = request({ "content-length": "2" }, ["{}"]);
        flowing.on("data", () => {});
        return flowing;
      })(),
    ];
    const limits = [100, 100, 10, 100];
    cases.forEach((req, index) => {
      const buffered = req.readableLength;
      expect(takeBufferedBody(req, limits[index]!)).toBeUndefined();
      expect(req.readableLength).toBe(buffered);
    });
  });
});
