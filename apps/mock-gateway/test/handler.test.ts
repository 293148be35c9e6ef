import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createMockGateway, createMockGatewayHandler, ListenError } from "../src/index.js";
import { chat, readFramesThenListen, startGateway } from "./helpers.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe("createMockGatewayHandler", () => {
  it("embeds in a plain node:http server and shares its state", async () => {
    const handler = createMockGatewayHandler({ rules: [{ match: { model: "x/*" }, faults: ["502", "ok"] }] });
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const gateway = {
      url,
      port: 0,
      close: async () => undefined,
      stats: handler.stats,
      reset: handler.reset,
    };
    expect((await chat(gateway, { model: "x/y", headers: { "x-mock-key": "e" } })).status).toBe(502);
    expect((await chat(gateway, { model: "x/y", headers: { "x-mock-key": "e" } })).status).toBe(200);
    expect(handler.stats()).toMatchObject({ requestsByKey: { e: 2 }, faultsServed: { "502": 1 } });
  });

  it("dispose() ends stalled responses so the host server can close", async () => {
    const handler = createMockGatewayHandler();
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const gateway = {
      url,
      port: 0,
      close: async () => undefined,
      stats: handler.stats,
      reset: handler.reset,
    };
    const res = await chat(gateway, { stream: true, headers: { "x-mock-faults": "stall:after=1" } });
    await readFramesThenListen(res, { frames: 1, windowMs: 10 }).catch(() => undefined);
    const second = await chat(gateway, { headers: { "x-mock-faults": "stall:after=0" } });
    const body = second.text();
    handler.dispose();
    await expect(body).rejects.toThrow();
  });
});

describe("createMockGateway start-up errors", () => {
  it("a port in use is a ListenError that says how to fix it", async () => {
    const first = await startGateway();
    const error = await createMockGateway({ port: first.port }).catch((e: unknown) => e);
    expect(ListenError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: "listen_failed", systemCode: "EADDRINUSE", port: first.port });
    expect((error as Error).message).toMatch(/in use: pick another port/);
  });

  it("a malformed model id in the path is a 400", async () => {
    const gateway = await startGateway();
    const res = await fetch(`${gateway.url}/models/%E0%A4%A`);
    expect(res.status).toBe(400);
  });
});
