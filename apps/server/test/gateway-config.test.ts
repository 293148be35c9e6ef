import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createMockGatewayHandler, type MockGatewayOptions } from "@promptreg/mock-gateway";
import { signRequest } from "@promptreg/signing";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/http/logger.js";
import { createService, type Service } from "../src/service.js";

/**
 * The GATEWAY_* policy variables reach the gateway client: a service is built from an environment exactly as
 * main.ts builds it, against a real mock gateway on a port, and the variables change what a run does.
 */
const templatesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../templates");
const secret = "gateway-config-secret-0123456789";
const RUN = { ref: "localization/translate", input: { text: "Hello", target_locale: "fr-FR", glossary: [] } };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}

/** A service on a port whose gateway is a mock with `mock` options, configured by `env` on top of the basics. */
async function startService(mock: MockGatewayOptions, env: Record<string, string>) {
  const gatewayPort = await listen(createServer(createMockGatewayHandler(mock)));
  const config = loadConfig({
    env: {
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      PROMPTREG_TEMPLATES_DIR: templatesDir,
      PROMPTREG_WATCH: "false",
      PROMPTREG_CLIENT_KEYS: `tester:${secret}`,
      GATEWAY_BASE_URL: `http://127.0.0.1:${gatewayPort}/v1`,
      GATEWAY_API_KEY: "sk_test_gateway_config_0123456789",
      ...env,
    },
  });
  const service: Service = await createService({
    config,
    logger: createLogger({ level: "silent" }),
    publicUrl: "",
  });
  cleanups.push(() => service.close());
  await service.registry.reload();
  const port = await listen(createServer(service.app));
  return {
    async run(): Promise<{ status: number; body: Record<string, unknown> }> {
      const body = JSON.stringify(RUN);
      const headers = signRequest({ keyId: "tester", secret, method: "POST", pathAndQuery: "/v1/run", body });
      const response = await fetch(`http://127.0.0.1:${port}/v1/run`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
  };
}

// Every call's first attempt fails with 500, the next one succeeds (the mock counts attempts per Idempotency-Key,
// which a call keeps across its retries and its fallback). The template falls back to openai/gpt-4o.
const FIRST_ATTEMPT_FAILS: MockGatewayOptions = { rules: [{ match: { model: "*" }, faults: ["500", "ok"] }] };

// Loading the template tree and starting two servers take seconds on a busy box: generous, never asserted on.
describe("GATEWAY_* policy variables", { timeout: 60_000 }, () => {
  it("uses the gateway client's defaults when unset: the failed first attempt is retried on the same model", async () => {
    const service = await startService(FIRST_ATTEMPT_FAILS, {});
    const { status, body } = await service.run();
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.metadata).toMatchObject({ attempts: 2, fallbackUsed: false });
  });

  it("GATEWAY_MAX_ATTEMPTS=1 gives each model one attempt, so the fallback answers", async () => {
    const service = await startService(FIRST_ATTEMPT_FAILS, { GATEWAY_MAX_ATTEMPTS: "1" });
    const { status, body } = await service.run();
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.metadata).toMatchObject({ attempts: 2, fallbackUsed: true, attemptedModel: "openai/gpt-4o" });
  });

  it("GATEWAY_DEADLINE_MS caps a model call below the request's own budget", async () => {
    const service = await startService(
      { rules: [{ match: { model: "*" }, faults: ["delay:ms=20000"] }] },
      { GATEWAY_DEADLINE_MS: "200" },
    );
    const { status, body } = await service.run();
    expect(status).toBe(504);
    expect(body.error).toMatchObject({ details: { attempts: 1 } });
  });
});
