import { createNonce } from "@promptreg/signing";
import { afterEach, describe, expect, it } from "vitest";
import { createMemoryRateLimitStore } from "../src/logic/rate-limit-store.js";
import { SECRETS, startTestServer, TEST_APP_CONFIG, type TestServer } from "./harness.js";

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function codeOf(response: Response): Promise<string> {
  return ((await response.json()) as { error?: { code: string } }).error?.code ?? `ok ${response.status}`;
}

describe("nonces and rate limits", () => {
  it("a request refused by the rate limit does not consume its nonce: resent after Retry-After it is accepted", async () => {
    let clock = Date.now();
    const server = await startTestServer({ rateLimits: createMemoryRateLimitStore({ now: () => clock }) });
    servers.push(server);
    const slow = { keyId: "app-slow", secret: SECRETS.slow };
    for (let i = 0; i < 3; i++) expect((await server.signed("/v1/stats", slow)).status).toBe(200);
    const nonce = createNonce();
    const timestamp = Math.floor(Date.now() / 1000);
    const refused = await server.signed("/v1/stats", { ...slow, nonce, timestamp });
    expect(await codeOf(refused)).toBe("rate_limited");
    clock += 20_000;
    const resent = await server.signed("/v1/stats", { ...slow, nonce, timestamp });
    expect(resent.status).toBe(200);
  });

  it("a forged signature never charges the key id's rate limit", async () => {
    const server = await startTestServer();
    servers.push(server);
    for (let i = 0; i < 5; i++) {
      const forged = await server.signed("/v1/stats", { keyId: "app-slow", secret: SECRETS.main });
      expect(await codeOf(forged)).toBe("signature_mismatch");
    }
    for (let i = 0; i < 3; i++) {
      expect((await server.signed("/v1/stats", { keyId: "app-slow", secret: SECRETS.slow })).status).toBe(
        200,
      );
    }
  });

  it("replays of a captured request never charge its owner's rate limit", async () => {
    const server = await startTestServer();
    servers.push(server);
    const slow = { keyId: "app-slow", secret: SECRETS.slow };
    const captured = { ...slow, nonce: createNonce(), timestamp: Math.floor(Date.now() / 1000) };
    expect((await server.signed("/v1/stats", captured)).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      expect(await codeOf(await server.signed("/v1/stats", captured))).toBe("replayed_nonce");
    }
    // The owner (3 requests per minute) still has the two it did not spend.
    expect((await server.signed("/v1/stats", slow)).status).toBe(200);
    expect((await server.signed("/v1/stats", slow)).status).toBe(200);
  });

  it("one client's flood never makes another client's captured request replayable", async () => {
    const server = await startTestServer({
      config: { ...TEST_APP_CONFIG, nonceCapacityPerClient: 5 },
    });
    servers.push(server);
    const captured = { nonce: createNonce(), timestamp: Math.floor(Date.now() / 1000) };
    expect((await server.signed("/v1/stats", captured)).status).toBe(200);
    const flood: string[] = [];
    for (let i = 0; i < 12; i++) {
      flood.push(
        await codeOf(await server.signed("/v1/stats", { keyId: "app-rotating", secret: SECRETS.rotatedNew })),
      );
    }
    expect(flood.filter((code) => code === "ok 200")).toHaveLength(5);
    expect(flood.filter((code) => code === "nonce_capacity_exceeded")).toHaveLength(7);
    expect(await codeOf(await server.signed("/v1/stats", captured))).toBe("replayed_nonce");
    // The victim's own space still has room.
    expect((await server.signed("/v1/stats")).status).toBe(200);
  });
});
