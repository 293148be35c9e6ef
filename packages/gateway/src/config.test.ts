import { thrownBy } from "@promptreg/test-kit";
import { describe, expect, it } from "vitest";
import { checkPolicyOption, resolveConfig, resolveGatewayPolicies } from "./config.js";
import { InvalidConfigError } from "./errors/invalid-config-error.js";

const base = { baseUrl: "https://api.phaseo.app/v1/", apiKey: "sk-abcdefghijklmnop" };

const problem = (options: Parameters<typeof resolveConfig>[0]) =>
  thrownBy(() => resolveConfig(options), InvalidConfigError);

describe("resolveConfig", () => {
  it("fills in the documented defaults and normalises the base URL", () => {
    const config = resolveConfig(base);
    expect(config.completionsUrl).toBe("https://api.phaseo.app/v1/chat/completions");
    expect(config.retry).toEqual({
      maxAttempts: 3,
      baseDelayMs: 250,
      maxDelayMs: 8_000,
      maxRetryAfterMs: 30_000,
    });
    expect(config.timeouts).toEqual({ attemptMs: 30_000, idleMs: 30_000, deadlineMs: 120_000 });
    expect(config.retryBudget).toEqual({ ratio: 0.2, minRetries: 10, windowMs: 10_000 });
    expect(config.concurrency).toEqual({ maxConcurrent: 64, maxQueue: 1_000 });
    expect(config.circuitBreaker).toEqual({
      failureRate: 0.5,
      minRequests: 20,
      windowSize: 100,
      windowMs: 30_000,
      openMs: 30_000,
      consecutiveFailures: 0,
    });
  });

  it("keeps the older circuit options working and refuses a window that could never judge", () => {
    expect(
      resolveConfig({ ...base, circuitBreaker: { consecutiveFailures: 5 } }).circuitBreaker,
    ).toMatchObject({
      consecutiveFailures: 5,
      failureRate: 0.5,
    });
    const tooFew = problem({ ...base, circuitBreaker: { minRequests: 50, windowSize: 20 } });
    expect(tooFew.path).toBe("circuitBreaker.minRequests");
    expect(tooFew.message).toContain("windowSize (20)");
    expect(problem({ ...base, circuitBreaker: { windowSize: 1e6 } }).path).toBe("circuitBreaker.windowSize");
    expect(problem({ ...base, circuitBreaker: { consecutiveFailures: -1 } }).path).toBe(
      "circuitBreaker.consecutiveFailures",
    );
  });

  it("names the bad option and never echoes the key", () => {
    expect(problem({ ...base, baseUrl: "api.phaseo.app" }).path).toBe("baseUrl");
    expect(problem({ baseUrl: base.baseUrl }).path).toBe("apiKey");
    expect(problem({ ...base, apiKey: "  " }).path).toBe("apiKey");
    expect(problem({ ...base, apiKeyProvider: { getKey: () => "x" } }).path).toBe("apiKey");
    expect(problem({ ...base, retry: { maxAttempts: 0 } }).path).toBe("retry.maxAttempts");
    expect(problem({ ...base, retry: { maxAttemps: 2 } as never }).path).toBe("retry.maxAttemps");
    expect(problem({ ...base, timeouts: { idleMs: -1 } }).path).toBe("timeouts.idleMs");
    expect(problem({ ...base, circuitBreaker: { failureRate: 2 } }).path).toBe("circuitBreaker.failureRate");
    expect(problem({ ...base, fetch: "fetch" as never }).path).toBe("fetch");
    const error = problem({ ...base, retryBudget: { ratio: Number.NaN } });
    expect(error.path).toBe("retryBudget.ratio");
    expect(error.message).not.toContain(base.apiKey);
  });

  it("checks policies without a client, and one option against its range alone", () => {
    expect(resolveGatewayPolicies({ retry: { maxAttempts: 5 } }).retry.maxAttempts).toBe(5);
    expect(resolveGatewayPolicies({ circuitBreaker: false }).circuitBreaker).toBe(false);
    const tooMany = problem({ ...base, circuitBreaker: { minRequests: 500 } });
    expect([tooMany.path, tooMany.fix]).toEqual([
      "circuitBreaker.minRequests",
      "Lower circuitBreaker.minRequests or raise circuitBreaker.windowSize.",
    ]);
    // Alone, 500 is a valid minRequests: only the pair with the default windowSize is not.
    expect(() =>
      checkPolicyOption({ policy: "circuitBreaker", option: "minRequests", value: 500 }),
    ).not.toThrow();
    const bad = thrownBy(
      () => checkPolicyOption({ policy: "retry", option: "maxAttempts", value: 21 }),
      InvalidConfigError,
    );
    expect(bad).toMatchObject({
      path: "retry.maxAttempts",
      problem: "expected an integer in [1, 20], got 21",
    });
    expect(() => checkPolicyOption({ policy: "retry", option: "maxAttemps", value: 2 })).toThrow(
      /unknown option/,
    );
  });

  it("uses the undici transport unless a fetch is injected", () => {
    expect(resolveConfig(base).fetch).toBeUndefined();
    expect(resolveConfig({ ...base, fetch: globalThis.fetch }).fetch).toBe(globalThis.fetch);
  });

  it("lets each policy be switched off", () => {
    const config = resolveConfig({ ...base, retryBudget: false, circuitBreaker: false, concurrency: false });
    expect([config.retryBudget, config.circuitBreaker, config.concurrency]).toEqual([false, false, false]);
  });
});
