import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import {
  AbortedError,
  type ApiKeyProvider,
  AuthError,
  CircuitOpenError,
  ConcurrencyLimitError,
  type GatewayEvent,
  IncompleteStreamError,
  RateLimitError,
  RetryBudgetExceededError,
  TimeoutError,
  UpstreamError,
} from "../src/index.js";
import { call, type Harness, KEY, MESSAGES, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  if (!h) return;
  await h.close();
  for (const text of h.captured) expect(text).not.toContain(KEY);
  h = undefined;
});

const types = (events: GatewayEvent[]) => events.map((e) => e.type);

describe("createGatewayClient against the mock gateway", () => {
  it("returns text and full provider metadata, with the price-table cost when the gateway reports none", async () => {
    h = await startHarness();
    const outcome = await call(h, { stream: false });
    if (!outcome.ok) throw outcome.error;
    const { result } = outcome;
    expect(result.text).toBe("Echo: please echo this sentence back to me");
    expect(result.finishReason).toBe("stop");
    expect(result.metadata).toMatchObject({
      requestedModel: "openai/gpt-4o-mini",
      attemptedModel: "openai/gpt-4o-mini",
      servedModel: "openai/gpt-4o-mini",
      provider: "openai",
      attempts: 1,
      fallbackUsed: false,
      failover: { detected: false },
      cacheHit: false,
    });
    expect(result.metadata.generationId).toMatch(/^gen_/);
    expect(result.metadata.requestId).toMatch(/^req_/);
    expect(result.usage?.totalTokens).toBe(
      (result.usage?.promptTokens ?? 0) + (result.usage?.completionTokens ?? 0),
    );
    const usage = result.usage!;
    expect(result.cost).toEqual({
      source: "price-table",
      usd: (usage.promptTokens * 0.15 + usage.completionTokens * 0.6) / 1e6,
    });
    expect(result.metadata.latency.totalMs).toBeGreaterThanOrEqual(result.metadata.latency.ttfbMs);
  });

  it("prefers the gateway's reported cost", async () => {
    h = await startHarness();
    const outcome = await call(h, { stream: true, headers: { "x-mock-cost": "on" } });
    if (!outcome.ok) throw outcome.error;
    expect(outcome.result.cost?.source).toBe("gateway");
    expect(outcome.result.cost?.usd).toBeGreaterThan(0);
    expect(outcome.result.metadata.latency.firstChunkMs).toBeDefined();
  });

  it("sends one Idempotency-Key and reuses it across retries", async () => {
    h = await startHarness();
    const outcome = await call(h, { stream: false, faults: "500,503,ok", idempotencyKey: "idem-123" });
    expect(outcome.ok).toBe(true);
    expect(h.mock.stats().requestsByKey["idem-123"]).toBe(3);
    const retryEvents = h.events.filter((e) => e.type === "retry_scheduled");
    expect(retryEvents.map((e) => e.type === "retry_scheduled" && e.reason)).toEqual([
      "server_error",
      "server_error",
    ]);
  });

  it("emits request, attempt, retry and end events in order, carrying the call's telemetry labels", async () => {
    h = await startHarness();
    await call(h, {
      stream: true,
      faults: "429:s=0,ok",
      telemetryLabels: { template: "t/x", template_version: "1.0.0" },
    });
    expect(types(h.events)).toEqual([
      "request_start",
      "attempt_start",
      "attempt_end",
      "retry_scheduled",
      "attempt_start",
      "first_chunk",
      "attempt_end",
      "request_end",
    ]);
    for (const event of h.events) {
      if ("labels" in event) expect(event.labels).toEqual({ template: "t/x", template_version: "1.0.0" });
    }
    const retry = h.events[3];
    expect(retry).toMatchObject({ reason: "rate_limited", delayMs: 0, delaySource: "retry-after" });
  });

  it("does not start a wait that would end after the overall deadline: fails at once with the last error", async () => {
    h = await startHarness({ client: { retry: { maxRetryAfterMs: 60_000 } } });
    const outcome = await call(h, { stream: false, faults: "429:s=10,ok", deadlineMs: 5_000 });
    expect(RateLimitError.isInstance(outcome.ok ? undefined : outcome.error)).toBe(true);
    expect(h.sleeps).toEqual([]);
    expect((outcome as { error: RateLimitError }).error.attempts).toBe(1);
  });

  it("moves to the fallback at once when a model asks for a longer pause than maxRetryAfterMs", async () => {
    h = await startHarness({ client: { retry: { maxRetryAfterMs: 5_000 } } });
    const outcome = await call(h, {
      stream: false,
      model: "mock/faults=429:s=600",
      fallbacks: ["openai/gpt-4o-mini"],
    });
    if (!outcome.ok) throw outcome.error;
    expect(outcome.result.metadata).toMatchObject({ attempts: 2, fallbackUsed: true });
    expect(h.sleeps).toEqual([]);
    expect(h.events.find((e) => e.type === "fallback")).toMatchObject({ reason: "rate_limited" });
  });

  it("bounds retries and attempts together with the overall deadline", async () => {
    h = await startHarness({ client: { timeouts: { attemptMs: 5_000 } }, realSleep: true });
    const outcome = await call(h, { stream: false, faults: "delay:ms=2000,ok", deadlineMs: 150 });
    const error = outcome.ok ? undefined : outcome.error;
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as TimeoutError).deadline).toBe("overall");
    expect((error as TimeoutError).retryable).toBe(false);
  });

  it("falls back to the next model on retryable failures and says so", async () => {
    h = await startHarness({ client: { retry: { maxAttempts: 2 } } });
    const outcome = await call(h, {
      stream: false,
      model: "mock/faults=500+502+ok",
      fallbacks: ["anthropic/claude-3-5-haiku"],
    });
    if (!outcome.ok) throw outcome.error;
    expect(outcome.result.metadata).toMatchObject({
      requestedModel: "mock/faults=500+502+ok",
      attemptedModel: "anthropic/claude-3-5-haiku",
      provider: "anthropic",
      fallbackUsed: true,
      attempts: 3,
    });
    expect(h.events.find((e) => e.type === "fallback")).toMatchObject({
      from: "mock/faults=500+502+ok",
      to: "anthropic/claude-3-5-haiku",
      reason: "upstream_error",
    });
  });

  it("never falls back on a caller error", async () => {
    h = await startHarness();
    const outcome = await call(h, { stream: false, model: "mock/faults=400", fallbacks: ["openai/gpt-4o"] });
    expect(outcome.ok).toBe(false);
    expect(h.events.some((e) => e.type === "fallback")).toBe(false);
  });

  it("detects a provider that changes between calls for the same model", async () => {
    h = await startHarness({ mock: { providers: { "openai/gpt-4o": "openai" } } });
    const first = await call(h, { stream: false, model: "gpt-4o" });
    const second = await call(h, {
      stream: false,
      model: "gpt-4o",
      faults: "failover:provider=azure;model=gpt-4o",
    });
    if (!first.ok || !second.ok) throw new Error("calls failed");
    expect(first.result.metadata.failover.detected).toBe(false);
    expect(second.result.metadata.failover).toEqual({ detected: true, reason: "provider_changed" });
    expect(h.events.filter((e) => e.type === "failover")).toHaveLength(1);
  });

  it("opens a model's circuit after consecutive failures, skips it for the fallback, then probes", async () => {
    const clock = { t: 0 };
    h = await startHarness({
      client: {
        retry: { maxAttempts: 1 },
        circuitBreaker: { consecutiveFailures: 2, openMs: 1_000 },
        retryBudget: false,
        now: () => clock.t,
      },
    });
    const broken = "mock/faults=500";
    await call(h, { stream: false, model: broken });
    await call(h, { stream: false, model: broken });
    expect(h.client.circuitState(broken)).toBe("open");
    const before = h.mock.stats().requests;
    const refused = await call(h, { stream: false, model: broken });
    expect(CircuitOpenError.isInstance(refused.ok ? undefined : refused.error)).toBe(true);
    expect((refused as { error: CircuitOpenError }).error.attempts).toBe(0);
    expect(h.mock.stats().requests).toBe(before);
    const fallback = await call(h, { stream: false, model: broken, fallbacks: ["openai/gpt-4o-mini"] });
    expect(fallback.ok && fallback.result.metadata.attempts).toBe(1);
    clock.t = 1_000;
    await call(h, { stream: false, model: broken });
    const states = h.events.flatMap((e) => (e.type === "circuit_state" ? [`${e.from}->${e.to}`] : []));
    expect(states).toEqual(["closed->open", "open->half-open", "half-open->open"]);
  });

  it("with the default policy, opens a dead model's circuit and refuses the rest without sending them", {
    timeout: 60_000,
  }, async () => {
    h = await startHarness({ mock: { faultRate: 1, faultKinds: "500" } });
    // Its own events sink: the harness's captures (inspect of every event) would dominate 1,000 calls.
    const states: string[] = [];
    const client = h.fork({
      events: (e) => {
        if (e.type === "circuit_state") states.push(`${e.to}:${e.reason}`);
      },
    }).client;
    const total = 1_000;
    let next = 0;
    const codes: Record<string, number> = {};
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next++ < total) {
          const code = await client.chat({ model: "openai/gpt-4o-mini", messages: MESSAGES }).then(
            () => "ok",
            (error: { code: string }) => error.code,
          );
          codes[code] = (codes[code] ?? 0) + 1;
        }
      }),
    );
    expect(states[0]).toBe("open:failure_rate");
    // Before it opened: at least minRequests attempts, at most those plus the calls already in flight and their
    // retries. After: nothing is sent (the 30 s openMs outlasts the test).
    expect(h.mock.stats().requests).toBeGreaterThanOrEqual(20);
    expect(h.mock.stats().requests).toBeLessThan(250);
    expect(codes.circuit_open).toBeGreaterThan(total - 250);
  });

  it("does not count a spent retry budget against the circuit, only the failed attempt before it", async () => {
    h = await startHarness({
      client: {
        retryBudget: { ratio: 0, minRetries: 0, windowMs: 60_000 },
        circuitBreaker: { minRequests: 4, windowSize: 10, failureRate: 0.6 },
      },
    });
    const budgetSpent = async () => {
      const outcome = await call(h!, { stream: false, faults: "500,ok" });
      expect(RetryBudgetExceededError.isInstance(outcome.ok ? undefined : outcome.error)).toBe(true);
    };
    await budgetSpent();
    expect((await call(h, { stream: false })).ok).toBe(true);
    expect((await call(h, { stream: false })).ok).toBe(true);
    await budgetSpent();
    // Two failures in four outcomes (50%) stay below 60%; counting each spent budget too would make it 4 of 6.
    expect(h.client.circuitState("openai/gpt-4o-mini")).toBe("closed");
    await budgetSpent(); // 3 of 5: the breaker is live
    expect(h.client.circuitState("openai/gpt-4o-mini")).toBe("open");
  });

  it("does not count an attempt cut by the call's own deadline against the circuit", async () => {
    h = await startHarness({ realSleep: true, client: { circuitBreaker: { minRequests: 1 } } });
    const outcome = await call(h, { stream: false, faults: "delay:ms=5000", deadlineMs: 50 });
    const error = outcome.ok ? undefined : outcome.error;
    expect(TimeoutError.isInstance(error) && error.deadline).toBe("overall");
    expect(h.client.circuitState("openai/gpt-4o-mini")).toBe("closed");
    const failed = await call(h, { stream: false, faults: "500,500,500" });
    expect(failed.ok).toBe(false);
    expect(h.client.circuitState("openai/gpt-4o-mini")).toBe("open");
  });

  it("fails fast with RetryBudgetExceededError once retries exceed the budget", async () => {
    h = await startHarness({
      client: { retryBudget: { ratio: 0, minRetries: 1, windowMs: 60_000 }, circuitBreaker: false },
    });
    const first = await call(h, { stream: false, faults: "500,ok" });
    expect(first.ok).toBe(true);
    const second = await call(h, { stream: false, faults: "500,ok" });
    const error = second.ok ? undefined : second.error;
    expect(RetryBudgetExceededError.isInstance(error)).toBe(true);
    expect(UpstreamError.isInstance((error as Error).cause)).toBe(true);
    expect((error as RetryBudgetExceededError).attempts).toBe(1);
  });

  it("sheds load beyond the bulkhead's queue with ConcurrencyLimitError", async () => {
    h = await startHarness({ client: { concurrency: { maxConcurrent: 1, maxQueue: 1 } } });
    const slow = call(h, { stream: false, faults: "delay:ms=150" });
    const queued = call(h, { stream: false });
    const rejected = await call(h, { stream: false });
    expect(ConcurrencyLimitError.isInstance(rejected.ok ? undefined : rejected.error)).toBe(true);
    expect((await slow).ok).toBe(true);
    expect((await queued).ok).toBe(true);
  });

  it("stops on the caller's AbortSignal with AbortedError", async () => {
    h = await startHarness({ realSleep: true });
    const controller = new AbortController();
    const pending = call(h, { stream: false, faults: "delay:ms=5000", signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    const outcome = await pending;
    expect(AbortedError.isInstance(outcome.ok ? undefined : outcome.error)).toBe(true);
  });

  it("stops at once on a signal aborted before the call, and leaves no listener on a signal it was given", async () => {
    h = await startHarness();
    const reason = new Error("request gone");
    const outcome = await call(h, { stream: false, signal: AbortSignal.abort(reason) });
    const error = outcome.ok ? undefined : outcome.error;
    expect(AbortedError.isInstance(error)).toBe(true);
    expect((error as AbortedError).cause).toBe(reason);
    // A long-lived signal (a server's shutdown signal, say) shared by many calls must not collect their listeners.
    const controller = new AbortController();
    for (const stream of [false, true])
      expect((await call(h, { stream, signal: controller.signal })).ok).toBe(true);
    expect((await call(h, { stream: false, faults: "400,ok", signal: controller.signal })).ok).toBe(false);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("aborts the upstream request when the stream consumer stops iterating", async () => {
    h = await startHarness();
    const stream = h.client.chatStream(
      { model: "openai/gpt-4o-mini", messages: MESSAGES },
      { headers: { "x-mock-faults": "drip:ms=20" } },
    );
    for await (const _delta of stream) break;
    const error = await stream.result.catch((e: unknown) => e);
    expect(AbortedError.isInstance(error)).toBe(true);
  });

  it("ends a stream with AbortedError when the caller's signal fires mid-stream, and on stream.abort()", async () => {
    h = await startHarness();
    const controller = new AbortController();
    const request = { model: "openai/gpt-4o-mini", messages: MESSAGES };
    const headers = { "x-mock-faults": "drip:ms=30" };
    const stream = h.client.chatStream(request, { signal: controller.signal, headers });
    const seen: string[] = [];
    const iteration = (async () => {
      for await (const delta of stream) {
        seen.push(delta.text);
        controller.abort(new Error("user left"));
      }
    })();
    await expect(iteration).rejects.toSatisfy((e: unknown) => AbortedError.isInstance(e));
    expect(seen).toHaveLength(1);
    const second = h.client.chatStream(request, { headers });
    second.abort();
    await expect(second.result).rejects.toSatisfy((e: unknown) => AbortedError.isInstance(e));
  });

  it("never retries a stream once a token reached the caller, and hands over the partial text", async () => {
    h = await startHarness();
    const outcome = await call(h, { stream: true, faults: "cut:after=3,ok" });
    const error = outcome.ok ? undefined : outcome.error;
    expect(IncompleteStreamError.isInstance(error)).toBe(true);
    expect((error as IncompleteStreamError).partialText).toBe(outcome.deltas.join(""));
    expect(h.mock.stats().requests).toBe(1);
  });

  it("re-reads a rotated key once after a 401", async () => {
    let current = "sk-old-0000000000000000000000";
    let invalidations = 0;
    const provider: ApiKeyProvider = {
      getKey: () => current,
      invalidate: () => {
        invalidations++;
        current = KEY;
      },
    };
    h = await startHarness({ client: { apiKey: undefined, apiKeyProvider: provider } });
    const outcome = await call(h, { stream: false });
    if (!outcome.ok) throw outcome.error;
    expect(outcome.result.metadata.attempts).toBe(2);
    expect(invalidations).toBe(1);
  });

  it("reports a wrong key as AuthError showing only its first 8 characters", async () => {
    const wrong = "sk-wrong-key-abcdefghijklmnopqrstuvwxyz";
    h = await startHarness({ client: { apiKey: wrong } });
    const outcome = await call(h, { stream: false });
    const error = outcome.ok ? undefined : outcome.error;
    expect(AuthError.isInstance(error)).toBe(true);
    expect((error as AuthError).message).toContain("sk-wrong…");
    expect(h.captured.join("\n")).not.toContain(wrong);
  });
});
