import { DEFAULT_TIMEOUTS } from "@promptreg/gateway";
import { thrownBy } from "@promptreg/test-kit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadConfig, truncateSecret } from "./config.js";
import { ConfigError } from "./errors/config-error.js";

const configError = (env: Record<string, string>) => thrownBy(() => loadConfig({ env }), ConfigError);

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

  it("serves a bundle instead of the tree with PROMPTREG_BUNDLE, which is not watched and excludes PROMPTREG_TEMPLATES_DIR", () => {
    const config = loadConfig({ env: { PROMPTREG_BUNDLE: "dist/promptreg/bundle.json" }, repoRoot: "/r" });
    expect(config.bundleFile).toBe("/r/dist/promptreg/bundle.json");
    expect(config.watch).toBe(false);
    expect(loadConfig({ env: {}, repoRoot: "/r" }).bundleFile).toBeUndefined();
    const error = configError({ PROMPTREG_BUNDLE: "b.json", PROMPTREG_TEMPLATES_DIR: "templates" });
    expect(error.issues[0]?.variable).toBe("PROMPTREG_BUNDLE");
    expect(error.message).toMatch(/set only one of PROMPTREG_TEMPLATES_DIR, PROMPTREG_BUNDLE/);
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
      /set only one of GATEWAY_API_KEY, GATEWAY_API_KEY_FILE, GATEWAY_API_KEY_COMMAND/,
    );
    expect(configError({ GATEWAY_API_KEY_FILE: "/f", GATEWAY_API_KEY_COMMAND: "op read x" }).issues).toEqual([
      {
        variable: "GATEWAY_API_KEY_COMMAND",
        message: expect.stringContaining("found GATEWAY_API_KEY_FILE and"),
      },
    ]);
    expect(
      configError({ PROMPTREG_CLIENT_KEYS: "a:b", PROMPTREG_CLIENT_KEYS_COMMAND: "x" }).issues[0]?.variable,
    ).toBe("PROMPTREG_CLIENT_KEYS_COMMAND");
  });

  it("accepts a command as the only gateway key and client credentials source in production", () => {
    const config = loadConfig({
      env: {
        NODE_ENV: "production",
        GATEWAY_API_KEY_COMMAND: "op read op://prod/gateway/key",
        PROMPTREG_CLIENT_KEYS_COMMAND: '["vault","kv","get","-field=clients","secret/promptreg"]',
        GATEWAY_API_KEY_COMMAND_TTL_MS: "60000",
      },
    });
    expect(config.gateway).toMatchObject({
      apiKeyCommand: ["op", "read", "op://prod/gateway/key"],
      apiKeyCommandTtlMs: 60_000,
    });
    expect(config.clientKeys.command).toEqual(["vault", "kv", "get", "-field=clients", "secret/promptreg"]);
    expect(config.secretCommandTimeoutMs).toBe(10_000);
  });

  it("refuses a command line that only a shell could run, without quoting the value back", () => {
    const error = configError({
      GATEWAY_API_KEY_COMMAND: "cat /run/secret-path | tr -d x",
      PROMPTREG_CLIENT_KEYS_COMMAND: "[not json",
    });
    expect(error.issues.map((issue) => issue.variable).sort()).toEqual([
      "GATEWAY_API_KEY_COMMAND",
      "PROMPTREG_CLIENT_KEYS_COMMAND",
    ]);
    expect(error.message).toContain("JSON array");
    expect(error.message).not.toContain("secret-path");
    expect(configError({ PROMPTREG_SECRET_COMMAND_TIMEOUT_MS: "0" }).issues[0]?.variable).toBe(
      "PROMPTREG_SECRET_COMMAND_TIMEOUT_MS",
    );
  });

  it("leaves the gateway client's policies at their defaults when no GATEWAY_* policy variable is set", () => {
    const config = loadConfig({ env: {} });
    expect(config.gateway.policies).toEqual({});
    expect(config.gatewayDeadlineMs).toBe(DEFAULT_TIMEOUTS.deadlineMs);
  });

  it("passes each GATEWAY_* policy variable to its gateway client option", () => {
    const config = loadConfig({
      env: {
        GATEWAY_MAX_ATTEMPTS: "5",
        GATEWAY_DEADLINE_MS: "45000",
        GATEWAY_ATTEMPT_TIMEOUT_MS: " 10000 ",
        GATEWAY_RETRY_BUDGET_RATIO: "0.1",
        GATEWAY_CIRCUIT_FAILURE_RATE: "0.75",
        GATEWAY_CIRCUIT_MIN_REQUESTS: "40",
        GATEWAY_MAX_CONCURRENT: "8",
      },
    });
    expect(config.gateway.policies).toEqual({
      retry: { maxAttempts: 5 },
      timeouts: { deadlineMs: 45_000, attemptMs: 10_000 },
      retryBudget: { ratio: 0.1 },
      circuitBreaker: { failureRate: 0.75, minRequests: 40 },
      concurrency: { maxConcurrent: 8 },
    });
    expect(config.gatewayDeadlineMs).toBe(45_000);
    expect(loadConfig({ env: { GATEWAY_CIRCUIT_BREAKER: "off" } }).gateway.policies).toEqual({
      circuitBreaker: false,
    });
  });

  it("lists every bad GATEWAY_* policy variable at once, in the gateway client's own ranges", () => {
    const error = configError({
      GATEWAY_MAX_ATTEMPTS: "0",
      GATEWAY_CIRCUIT_FAILURE_RATE: "2",
      GATEWAY_IDLE_TIMEOUT_MS: "30s",
      GATEWAY_MAX_QUEUE: "2.5",
    });
    const byVariable = Object.fromEntries(error.issues.map((issue) => [issue.variable, issue.message]));
    expect(Object.keys(byVariable).sort()).toEqual([
      "GATEWAY_CIRCUIT_FAILURE_RATE",
      "GATEWAY_IDLE_TIMEOUT_MS",
      "GATEWAY_MAX_ATTEMPTS",
      "GATEWAY_MAX_QUEUE",
    ]);
    expect(byVariable.GATEWAY_MAX_ATTEMPTS).toContain("expected an integer in [1, 20], got 0");
    expect(byVariable.GATEWAY_MAX_ATTEMPTS).toContain("unset it for the default");
    expect(byVariable.GATEWAY_CIRCUIT_FAILURE_RATE).toContain("in [0, 1]");
    expect(byVariable.GATEWAY_IDLE_TIMEOUT_MS).toContain("such as 3, 0.5 or 30000");
    expect(byVariable.GATEWAY_MAX_QUEUE).toContain("an integer");
  });

  it("checks limits between two GATEWAY_* variables and names them, not the gateway's option paths", () => {
    const tooMany = configError({ GATEWAY_CIRCUIT_MIN_REQUESTS: "200" });
    expect(tooMany.issues).toEqual([
      {
        variable: "GATEWAY_CIRCUIT_MIN_REQUESTS",
        message: expect.stringContaining("more than GATEWAY_CIRCUIT_WINDOW_SIZE (100)"),
      },
    ]);
    expect(
      loadConfig({ env: { GATEWAY_CIRCUIT_MIN_REQUESTS: "200", GATEWAY_CIRCUIT_WINDOW_SIZE: "500" } }).gateway
        .policies,
    ).toEqual({ circuitBreaker: { minRequests: 200, windowSize: 500 } });
    const conflicting = configError({ GATEWAY_CIRCUIT_BREAKER: "off", GATEWAY_CIRCUIT_OPEN_MS: "1000" });
    expect(conflicting.issues).toEqual([
      {
        variable: "GATEWAY_CIRCUIT_OPEN_MS",
        message: expect.stringContaining("GATEWAY_CIRCUIT_BREAKER=off"),
      },
    ]);
  });

  it("keeps state in memory unless REDIS_URL is set, with bounded Redis timeouts", () => {
    expect(loadConfig({ env: {} }).redis).toBeUndefined();
    expect(loadConfig({ env: { REDIS_URL: "redis://:s3cret-pass@cache.internal:6380/2" } }).redis).toEqual({
      url: "redis://:s3cret-pass@cache.internal:6380/2",
      keyPrefix: "promptreg:",
      connectTimeoutMs: 2_000,
      commandTimeoutMs: 1_000,
      statsFlushMs: 1_000,
    });
    const tuned = loadConfig({
      env: {
        REDIS_URL: "rediss://redis.example",
        PROMPTREG_REDIS_KEY_PREFIX: "staging:promptreg:",
        PROMPTREG_REDIS_CONNECT_TIMEOUT_MS: "500",
        PROMPTREG_REDIS_COMMAND_TIMEOUT_MS: "250",
        PROMPTREG_REDIS_STATS_FLUSH_MS: "5000",
      },
    }).redis;
    expect(tuned).toMatchObject({
      keyPrefix: "staging:promptreg:",
      connectTimeoutMs: 500,
      commandTimeoutMs: 250,
      statsFlushMs: 5_000,
    });
    expect(configError({ REDIS_URL: "redis://h", PROMPTREG_REDIS_KEY_PREFIX: "has space" }).issues).toEqual([
      { variable: "PROMPTREG_REDIS_KEY_PREFIX", message: expect.stringContaining("letters, digits") },
    ]);
    expect(configError({ PROMPTREG_REDIS_COMMAND_TIMEOUT_MS: "0" }).issues[0]?.variable).toBe(
      "PROMPTREG_REDIS_COMMAND_TIMEOUT_MS",
    );
  });

  it("says what is wrong with a bad REDIS_URL without ever quoting it (it carries the password)", () => {
    const cases: [string, RegExp][] = [
      ["not a url s3cret-pass", /not a URL/],
      ["http://:s3cret-pass@cache:6379", /scheme must be redis: or rediss: \(got http:\)/],
      ["redis://:s3cret-pass@cache:6379/99", /database index 0-15/],
      ["redis://:s3cret-pass@cache:6379/0?password=s3cret-pass", /query and fragment/],
    ];
    for (const [value, message] of cases) {
      const error = configError({ REDIS_URL: value });
      expect(error.issues).toEqual([{ variable: "REDIS_URL", message: expect.stringMatching(message) }]);
      expect(error.message).not.toContain("s3cret-pass");
    }
  });

  it("never echoes any part of a refused REDIS_URL's credentials (property)", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9]{12,24}$/),
        fc.string({ maxLength: 20 }),
        (password, tail) => {
          const value = `redis://:${password}@${tail}`;
          try {
            loadConfig({ env: { REDIS_URL: value } });
          } catch (error) {
            if (!ConfigError.isInstance(error)) throw error;
            expect(error.message).not.toContain(password);
          }
        },
      ),
    );
  });

  it("never shows more than 8 characters of a secret", () => {
    expect(truncateSecret("sk-live-0123456789")).toBe("sk-live-…");
    expect(truncateSecret("abc")).toBe("abc…");
  });
});
