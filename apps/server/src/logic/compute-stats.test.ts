import { describe, expect, it } from "vitest";
import { computeStats } from "./compute-stats.js";
import { createRingStatsStore, type RequestSample } from "./stats-store.js";

const NOW = 10_000_000;
const sample = (overrides: Partial<RequestSample>): RequestSample => ({
  at: NOW - 1000,
  route: "/v1/run",
  status: 200,
  latencyMs: 10,
  ...overrides,
});

describe("computeStats", () => {
  it("computes nearest-rank percentiles over the last 5 minutes", () => {
    const samples = Array.from({ length: 100 }, (_, i) => sample({ latencyMs: i + 1 }));
    samples.push(sample({ at: NOW - 6 * 60_000, latencyMs: 99_999 }));
    const stats = computeStats({ samples, now: NOW });
    expect(stats.latencyMs).toEqual({ p50: 50, p95: 95, p99: 99 });
    expect(stats.sampleSize).toBe(100);
  });

  it("splits error rates by window and origin", () => {
    const samples = [
      sample({ at: NOW - 30_000, status: 502, errorOrigin: "upstream" }),
      sample({ at: NOW - 30_000 }),
      sample({ at: NOW - 120_000, status: 422, errorOrigin: "caller" }),
      sample({ at: NOW - 120_000 }),
    ];
    const stats = computeStats({ samples, now: NOW });
    expect(stats.window1m).toEqual({
      requests: 2,
      errors: 1,
      errorRate: 0.5,
      callerErrors: 0,
      upstreamErrors: 1,
    });
    expect(stats.window5m).toMatchObject({ requests: 4, errors: 2, errorRate: 0.5, callerErrors: 1 });
  });

  it("counts a stream that failed after its 200 as an error of its origin", () => {
    const samples = [sample({ status: 200, errorOrigin: "upstream" }), sample({ status: 200 })];
    expect(computeStats({ samples, now: NOW }).window1m).toEqual({
      requests: 2,
      errors: 1,
      errorRate: 0.5,
      callerErrors: 0,
      upstreamErrors: 1,
    });
  });

  it("sums tokens and cost by template version and computes the provider mix", () => {
    const samples = [
      sample({
        template: "a/b",
        templateVersion: "1.0.0",
        promptTokens: 10,
        completionTokens: 5,
        costUsd: 0.5,
        provider: "openai",
      }),
      sample({
        template: "a/b",
        templateVersion: "1.0.0",
        promptTokens: 1,
        completionTokens: 1,
        costUsd: 0.25,
        provider: "openai",
      }),
      sample({ template: "c/d", templateVersion: "2.0.0", provider: "anthropic" }),
      sample({ template: "c/d", templateVersion: "2.0.0", provider: "anthropic" }),
    ];
    const stats = computeStats({ samples, now: NOW });
    expect(stats.byTemplate[0]).toEqual({
      template: "a/b@1.0.0",
      requests: 2,
      promptTokens: 11,
      completionTokens: 6,
      costUsd: 0.75,
    });
    expect(stats.providerMix).toEqual({ anthropic: 0.5, openai: 0.5 });
  });

  it("sums requests, tokens and cost per business dimension value over 1 and 5 minutes", () => {
    const run = (at: number, feature: string, costUsd: number) =>
      sample({
        at,
        template: "a/b",
        promptTokens: 10,
        completionTokens: 2,
        costUsd,
        dimensions: { feature, team: "none" },
      });
    const samples = [
      run(NOW - 4 * 60_000, "search", 0.5),
      run(NOW - 30_000, "search", 0.25),
      run(NOW - 20_000, "chat", 1),
      sample({ at: NOW - 10_000 }), // a request without a run (no dimensions)
      run(NOW - 10 * 60_000, "search", 100), // outside both windows
    ];
    const { byDimension } = computeStats({ samples, now: NOW });
    expect(byDimension.window5m.feature).toEqual({
      search: { requests: 2, promptTokens: 20, completionTokens: 4, costUsd: 0.75 },
      chat: { requests: 1, promptTokens: 10, completionTokens: 2, costUsd: 1 },
    });
    expect(byDimension.window1m.feature?.search).toEqual({
      requests: 1,
      promptTokens: 10,
      completionTokens: 2,
      costUsd: 0.25,
    });
    expect(byDimension.window5m.team).toEqual({
      none: { requests: 3, promptTokens: 30, completionTokens: 6, costUsd: 1.75 },
    });
  });

  it("answers nulls, not NaN, when there is no traffic", () => {
    const stats = computeStats({ samples: [], now: NOW });
    expect(stats.latencyMs).toEqual({ p50: null, p95: null, p99: null });
    expect(stats.window1m.errorRate).toBe(0);
  });
});

describe("ring stats store", () => {
  it("keeps only the last `capacity` samples, oldest first", async () => {
    const store = createRingStatsStore({ capacity: 3 });
    for (let i = 1; i <= 5; i++) store.record(sample({ at: i, latencyMs: i }));
    expect((await store.since(0)).map((s) => s.latencyMs)).toEqual([3, 4, 5]);
    expect((await store.since(5)).map((s) => s.latencyMs)).toEqual([5]);
  });
});
