import v8 from "node:v8";
import vm from "node:vm";
import { createMockGateway, type MockGateway } from "@promptreg/mock-gateway";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createGatewayClient,
  GatewayError,
  type GatewayEvent,
  RetryBudgetExceededError,
} from "../src/index.js";
import { type CpuHog, startCpuHog } from "./cpu-hog.js";
import { KEY, MESSAGES } from "./harness.js";

/**
 * Bounded soak: 5,000 calls at concurrency 50 against the real mock with 10% seeded transient faults (500, 502, 503,
 * 429 with Retry-After 0, connection reset). Every call must end in a result or a typed GatewayError, nothing may hang
 * or reject unhandled, extra attempts must stay inside the retry budget, the circuit breaker (default policy) must
 * never open on faults at this rate, and the heap must not grow. The second run does the same beside a CPU hog on
 * every core: a busy CI box once made the old breaker (5 failures in a row) open and refuse 4,261 of the 5,000 calls.
 */
const TOTAL = 5_000;
const CONCURRENCY = 50;
const RATIO = 0.05;
const MIN_RETRIES = 10;

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

let mock: MockGateway;
beforeEach(async () => {
  // A fresh mock per run restarts the seeded fault sequence.
  mock = await createMockGateway({ apiKey: KEY, faultRate: 0.1, seed: 42 });
});
afterEach(async () => {
  await mock.close();
});

let hog: CpuHog | undefined;
afterAll(async () => {
  await hog?.stop();
});

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function soak(label: string): Promise<void> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  let attempts = 0;
  let keyLeaks = 0;
  const circuitChanges: string[] = [];
  const client = createGatewayClient({
    baseUrl: mock.url,
    apiKey: KEY,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 5 },
    // Generous timeouts: this box is shared and loaded; the soak is about faults, not about slowness.
    timeouts: { attemptMs: 60_000, idleMs: 60_000, deadlineMs: 120_000 },
    // A window longer than the run makes the budget bound exact: extra attempts <= minRetries + ratio * calls.
    retryBudget: { ratio: RATIO, minRetries: MIN_RETRIES, windowMs: 3_600_000 },
    concurrency: { maxConcurrent: CONCURRENCY, maxQueue: TOTAL },
    // circuitBreaker: the default policy, on purpose.
    events: (event: GatewayEvent) => {
      if (event.type === "attempt_start") attempts++;
      if (event.type === "circuit_state") circuitChanges.push(`${event.from}->${event.to}:${event.reason}`);
      if (event.type === "request_end" && event.error && JSON.stringify(event.error).includes(KEY))
        keyLeaks++;
    },
  });
  const outcomes = { ok: 0, budget: 0, otherTyped: 0, untyped: 0, hung: 0 };
  const codes: Record<string, number> = {};
  let next = 0;
  let heapThird = 0;
  const worker = async () => {
    while (next < TOTAL) {
      const index = next++;
      if (index === Math.floor(TOTAL / 3)) heapThird = heapAfterGc();
      const request = { model: "openai/gpt-4o-mini", messages: MESSAGES };
      const run = async () => {
        if (index % 2 === 0) return client.chat(request);
        const stream = client.chatStream(request);
        for await (const _delta of stream) {
          // drain
        }
        return stream.result;
      };
      // A call that never settles is the bug this catches; the deadline is far beyond any loaded-box slowness.
      let watchdog: NodeJS.Timeout | undefined;
      const hung = new Promise<"hung">((resolve) => {
        watchdog = setTimeout(() => resolve("hung"), 240_000);
      });
      try {
        const value = await Promise.race([run(), hung]);
        if (value === "hung") outcomes.hung++;
        else outcomes.ok++;
      } catch (error) {
        if (RetryBudgetExceededError.isInstance(error)) outcomes.budget++;
        else if (GatewayError.isInstance(error)) outcomes.otherTyped++;
        if (GatewayError.isInstance(error)) codes[error.code] = (codes[error.code] ?? 0) + 1;
        else outcomes.untyped++;
      } finally {
        clearTimeout(watchdog);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    await client.close();
  }
  const heapEnd = heapAfterGc();
  await new Promise((resolve) => setImmediate(resolve));
  process.off("unhandledRejection", onUnhandled);

  const summary = JSON.stringify({ outcomes, codes, circuitChanges });
  expect(outcomes.hung).toBe(0);
  expect(outcomes.untyped).toBe(0);
  expect(unhandled).toEqual([]);
  expect(outcomes.ok + outcomes.budget + outcomes.otherTyped).toBe(TOTAL);
  // 10% transient faults are noise, not an outage: the default breaker must not react to them at all.
  expect(circuitChanges, summary).toEqual([]);
  expect(codes.circuit_open, summary).toBeUndefined();
  // ~10% of first attempts fail; a 5% budget cannot retry them all, so both outcomes must show up.
  expect(outcomes.ok, summary).toBeGreaterThan(TOTAL * 0.85);
  expect(outcomes.budget, summary).toBeGreaterThan(0);
  expect(attempts - TOTAL).toBeLessThanOrEqual(MIN_RETRIES + RATIO * TOTAL);
  expect(mock.stats().requests).toBe(attempts);
  expect(keyLeaks).toBe(0);
  // Generous: a leak of even 1 KB per call would add ~3 MB over the last two thirds.
  expect(heapEnd - heapThird).toBeLessThan(8 * 1024 * 1024);
  console.info(
    `soak (${label}): ${summary}, extra attempts ${attempts - TOTAL}, heap third ${(heapThird / 1e6).toFixed(1)} MB, end ${(heapEnd / 1e6).toFixed(1)} MB`,
  );
}

describe("soak", () => {
  it(`${TOTAL} calls at concurrency ${CONCURRENCY} with 10% transient faults`, { timeout: 600_000 }, () =>
    soak("quiet"),
  );

  it("the same beside a CPU hog on every core", { timeout: 900_000 }, async () => {
    hog = await startCpuHog();
    try {
      await soak(`beside ${hog.pids.length} spinning processes`);
    } finally {
      await hog.stop();
      hog = undefined;
    }
  });
});
