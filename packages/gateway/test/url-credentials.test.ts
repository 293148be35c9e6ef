import { createServer } from "node:net";
import { inspect } from "node:util";
import { thrownBy } from "@promptreg/test-kit";
import { describe, expect, it } from "vitest";
import { ConnectionError, createGatewayClient, InvalidConfigError } from "../src/index.js";
import { MESSAGES } from "./harness.js";

// Basic-auth credentials an operator put into the base URL (GATEWAY_BASE_URL) are as secret as the API key: the
// client's errors and its printed form name the host, never the credentials.
const PASSWORD = "url-password-3f9c2a";

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("credentials in the base URL", () => {
  it("never appear in connection errors, the client's JSON or its inspected form", async () => {
    const client = createGatewayClient({
      baseUrl: `http://gateway-user:${PASSWORD}@127.0.0.1:${await closedPort()}/v1`,
      apiKey: "sk_test_url_credentials_0123456789",
      retry: { maxAttempts: 1 },
      circuitBreaker: false,
      retryBudget: false,
    });
    try {
      const error = await client.chat({ model: "openai/gpt-4o-mini", messages: MESSAGES }).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(ConnectionError);
      const shown = [
        String((error as Error).message),
        String((error as Error).stack),
        inspect(error, { depth: 10 }),
        JSON.stringify(client),
        inspect(client),
      ].join("\n");
      expect(shown).not.toContain(PASSWORD);
      expect(shown).not.toContain("gateway-user");
      expect((error as Error).message).toContain("http://[redacted]@127.0.0.1:");
      expect(client.baseUrl).toContain(PASSWORD); // the caller's own getter still gives what it configured
    } finally {
      await client.close();
    }
  }, 60_000);

  it("never appear in the error for a base URL that does not parse", () => {
    const error = thrownBy(() => {
      createGatewayClient({
        baseUrl: `http://gateway-user:${PASSWORD}@[not-a-host/v1`,
        apiKey: "sk_test_x_0123456789",
      });
    });
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect(inspect(error)).not.toContain(PASSWORD);
  });
});
