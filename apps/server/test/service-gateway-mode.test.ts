import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { signRequest } from "@promptreg/signing";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/http/logger.js";
import { createService, type SimulatedGateway } from "../src/service.js";
import { startSimulatedGateway } from "../src/simulated-gateway.js";

const templatesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../templates");
const secret = "mode-test-secret-0123456789";

/** A keyless (development) service on a loopback port; `simulatedGateway` is what main.ts would pass, or nothing. */
async function keylessService(simulatedGateway?: typeof startSimulatedGateway) {
  const config = loadConfig({
    env: {
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      PROMPTREG_TEMPLATES_DIR: templatesDir,
      PROMPTREG_WATCH: "false",
      PROMPTREG_CLIENT_KEYS: `mode:${secret}`,
    },
  });
  const service = await createService({
    config,
    logger: createLogger({ level: "silent" }),
    publicUrl: "",
    ...(simulatedGateway ? { simulatedGateway } : {}),
  });
  await service.registry.reload();
  const server = service.app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const run = async () => {
    const body = JSON.stringify({
      ref: "support/summarize-ticket@production",
      input: { ticket: "Invoice wrong." },
    });
    const headers = signRequest({ keyId: "mode", secret, method: "POST", pathAndQuery: "/v1/run", body });
    return fetch(`${url}/v1/run`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body,
    });
  };
  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await service.close();
  };
  return { service, url, run, close };
}

describe("a service without a gateway key", () => {
  it("runs against the simulated gateway it is handed, and stops it on close", {
    timeout: 60_000,
  }, async () => {
    let started: SimulatedGateway | undefined;
    const { service, run, close } = await keylessService(async (options) => {
      started = await startSimulatedGateway(options);
      return started;
    });
    try {
      expect(service.gatewayMode).toBe("simulated");
      expect((await run()).status).toBe(200);
    } finally {
      await close();
    }
    await expect(fetch(`${started?.url}/models`)).rejects.toThrow();
  });

  it("has no gateway when none is handed: not ready, and a run answers 503", {
    timeout: 60_000,
  }, async () => {
    const { service, url, run, close } = await keylessService();
    try {
      expect(service.gatewayMode).toBe("none");
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ checks: { gateway: "not_configured" } });
      const response = await run();
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ error: { code: "not_ready" } });
    } finally {
      await close();
    }
  });
});
