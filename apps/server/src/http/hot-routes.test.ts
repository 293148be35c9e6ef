import { once } from "node:events";
import { IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import type { HotRouteHandler } from "../routes/render-run.js";
import { type ErrorAnswer, type FrontHandler, serveHotRoutesFirst } from "./hot-routes.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** An app with `/hot` and `/async-hot` on the hot path, each also an Express route; what each call saw. */
async function start(
  front: FrontHandler = (_req, _res, next) => next(),
  { brokenErrorHandler = false }: { brokenErrorHandler?: boolean } = {},
) {
  const calls: string[] = [];
  const record: HotRouteHandler = (req, res) => {
    // Express gives the requests it dispatches its own prototype; the hot path leaves Node's.
    calls.push(`${req.url} ${Object.getPrototypeOf(req) === IncomingMessage.prototype ? "node" : "express"}`);
    if (req.url?.startsWith("/fail")) throw new Error("thrown by the route");
    res.end("ok");
  };
  const rejecting: HotRouteHandler = async () => {
    await Promise.resolve();
    throw new Error("rejected by the route");
  };
  const answerError: ErrorAnswer = (thrown, _req, res) => {
    if (brokenErrorHandler) throw new Error("the error handler failed");
    res.statusCode = 500;
    res.end(`error: ${(thrown as Error).message}`);
  };
  const app = express();
  app.use((req, res, next) => front(req, res, next, req.path));
  app.post(["/hot", "/fail"], record);
  app.post("/async-hot", rejecting);
  app.use(answerError);
  serveHotRoutesFirst(app, {
    routes: new Map([
      ["/hot", record],
      ["/fail", record],
      ["/async-hot", rejecting],
    ]),
    front,
    answerError,
  });
  const server = app.listen(0, "127.0.0.1");
  servers.push(server);
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = async (path: string) => {
    const response = await fetch(url + path, { method: "POST" });
    return `${response.status} ${await response.text()}`;
  };
  return { calls, post };
}

describe("serveHotRoutesFirst", () => {
  it("serves an exact POST of a hot path without Express, and everything else through it", async () => {
    const { calls, post } = await start();
    expect(await post("/hot")).toBe("200 ok");
    expect(await post("/hot?x=1")).toBe("200 ok");
    expect(await post("/HOT")).toBe("200 ok");
    expect(calls).toEqual(["/hot node", "/hot?x=1 express", "/HOT express"]);
  });

  it("sends a throw or a rejection of the front or the route to the error handler, as Express would", async () => {
    const { post } = await start();
    expect(await post("/fail")).toBe("500 error: thrown by the route");
    expect(await post("/async-hot")).toBe("500 error: rejected by the route");
    const refusing = await start(() => Promise.reject(new Error("refused in front")));
    expect(await refusing.post("/hot")).toBe("500 error: refused in front");
    expect(refusing.calls).toEqual([]);
  });

  it("answers a bare 500 when the error handler itself fails, and keeps serving", async () => {
    const { post } = await start(undefined, { brokenErrorHandler: true });
    expect(await post("/fail")).toBe("500 ");
    expect(await post("/hot")).toBe("200 ok");
  });
});
