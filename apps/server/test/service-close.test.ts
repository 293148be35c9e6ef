import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createMockGatewayHandler } from "@promptreg/mock-gateway";
import { signRequest } from "@promptreg/signing";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/http/logger.js";
import { createService } from "../src/service.js";

const templatesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../templates");
const secret = "close-test-secret-0123456789";

// An external (configured, not simulated) gateway whose open sockets we can count: the service must not leave the
// gateway client's keep-alive connections open after close(), or a real deployment lingers on shutdown.
let gatewayServer: Server | undefined;
afterEach(async () => {
  gatewayServer?.closeAllConnections();
  await new Promise<void>((resolve) => (gatewayServer ? gatewayServer.close(() => resolve()) : resolve()));
});

describe("service.close()", () => {
  it("closes the gateway client's connection pool to a configured gateway", async () => {
    const open = new Set<Socket>();
    gatewayServer = createServer(createMockGatewayHandler());
    // Ten minutes of keep-alive on both ends (the server's own timeout and the hint undici follows), so nothing but
    // close() can end the idle connection while the test waits: the wait can then be generous on a loaded machine.
    gatewayServer.keepAliveTimeout = 600_000;
    gatewayServer.on("connection", (socket) => {
      open.add(socket);
      socket.on("close", () => open.delete(socket));
    });
    await new Promise<void>((resolve) => gatewayServer!.listen(0, "127.0.0.1", resolve));
    const gatewayPort = (gatewayServer.address() as AddressInfo).port;

    const config = loadConfig({
      env: {
        NODE_ENV: "test",
        LOG_LEVEL: "silent",
        PROMPTREG_TEMPLATES_DIR: templatesDir,
        PROMPTREG_WATCH: "false",
        PROMPTREG_CLIENT_KEYS: `closer:${secret}`,
        GATEWAY_BASE_URL: `http://127.0.0.1:${gatewayPort}/v1`,
        GATEWAY_API_KEY: "sk_test_close_0123456789",
      },
    });
    const service = await createService({ config, logger: createLogger({ level: "silent" }), publicUrl: "" });
    expect(service.gatewayMode).toBe("configured");
    await service.registry.reload();
    const server = service.app.listen(0, "127.0.0.1");
    await new Promise<void>((resolve) => server.once("listening", resolve));
    try {
      const body = JSON.stringify({
        ref: "localization/translate",
        input: { text: "Hello", target_locale: "fr-FR", glossary: [] },
      });
      const headers = signRequest({
        keyId: "closer",
        secret,
        method: "POST",
        pathAndQuery: "/v1/run",
        body,
      });
      const port = (server.address() as AddressInfo).port;
      const response = await fetch(`http://127.0.0.1:${port}/v1/run`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body,
      });
      expect(response.status, await response.text()).toBe(200);
      expect(open.size).toBeGreaterThan(0); // the pool keeps its connection alive for the next call

      await service.close();
      // Left alone, the idle keep-alive socket would live for ten minutes (above); closed, it goes at once.
      await expect.poll(() => open.size, { timeout: 30_000 }).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
