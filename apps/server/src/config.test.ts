import { describe, expect, it } from "vitest";
import { loadConfig, truncateSecret } from "./config.js";
import { ConfigError } from "./errors/config-error.js";

describe("loadConfig", () => {
  it("starts with zero configuration", () => {
    const config = loadConfig({ env: {}, repoRoot: "/repo" });
    expect(config).toMatchObject({
      nodeEnv: "development",
      port: 3000,
      host: "127.0.0.1",
      templatesDir: "/repo/templates",
      devClientFile: "/repo/.promptreg/dev-client.json",
      auth: "on",
      watch: true,
      outputRepairAttempts: 1,
      gateway: { baseUrl: "https://api.phaseo.app/v1" },
    });
    expect(config.gateway.apiKey).toBeUndefined();
  });

  it("treats empty strings as unset and coerces numbers", () => {
    const config = loadConfig({
      env: { PORT: "8080", GATEWAY_API_KEY: "", PROMPTREG_WATCH: "off" },
      repoRoot: "/r",
    });
    expect(config.port).toBe(8080);
    expect(config.gateway.apiKey).toBeUndefined();
    expect(config.watch).toBe(false);
  });

  it("derives nonce capacity from rate limits unless PROMPTREG_NONCE_CAPACITY_PER_CLIENT caps it", () => {
    expect(loadConfig({ env: {} }).nonceCapacityPerClient).toBeUndefined();
    expect(loadConfig({ env: { PROMPTREG_NONCE_CAPACITY_PER_CLIENT: "50" } }).nonceCapacityPerClient).toBe(
      50,
    );
    expect(() => loadConfig({ env: { PROMPTREG_NONCE_CAPACITY_PER_CLIENT: "0" } })).toThrow(
      /PROMPTREG_NONCE_CAPACITY_PER_CLIENT/,
    );
    expect(() => loadConfig({ env: { PROMPTREG_BODY_TIMEOUT_MS: "soon" } })).toThrow(
      /PROMPTREG_BODY_TIMEOUT_MS/,
    );
  });

  it("lists every bad variable at once", () => {
    try {
      loadConfig({ env: { PORT: "99999", PROMPTREG_AUTH: "maybe", LOG_LEVEL: "loud" } });
      expect.unreachable();
    } catch (error) {
      expect(ConfigError.isInstance(error)).toBe(true);
      const variables = (error as ConfigError).issues.map((issue) => issue.variable).sort();
      expect(variables).toEqual(["LOG_LEVEL", "PORT", "PROMPTREG_AUTH"]);
      expect((error as Error).message).toContain("docs/operations.md");
    }
  });

  it("refuses PROMPTREG_AUTH=off in production", () => {
    expect(() =>
      loadConfig({ env: { NODE_ENV: "production", PROMPTREG_AUTH: "off", PROMPTREG_CLIENT_KEYS: "a:b" } }),
    ).toThrow(/PROMPTREG_AUTH: 'off' is refused when NODE_ENV=production/);
  });

  it("requires client keys in production and one gateway key source", () => {
    expect(() => loadConfig({ env: { NODE_ENV: "production" } })).toThrow(/PROMPTREG_CLIENT_KEYS/);
    expect(() => loadConfig({ env: { GATEWAY_API_KEY: "k", GATEWAY_API_KEY_FILE: "/f" } })).toThrow(
      /not both/,
    );
  });

  it("never shows more than 8 characters of a secret", () => {
    expect(truncateSecret("sk-live-0123456789")).toBe("sk-live-…");
    expect(truncateSecret("abc")).toBe("abc…");
  });
});
