import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayError } from "../src/index.js";
import { call, type Harness, KEY, startHarness } from "./harness.js";

/**
 * Random fault scripts against the real mock, checked against a small reference model of the retry policy: for any
 * script the client must end exactly as the model predicts (success or failure, after exactly N attempts), every
 * error must be a typed GatewayError, and no wait may exceed its cap.
 */
const MAX_ATTEMPTS = 3;
const MAX_DELAY = 400;
const MAX_RETRY_AFTER = 2_000;

type Verdict = "success" | "retry" | "fatal";
const STEPS: { step: string; plain: Verdict; stream: Verdict }[] = [
  { step: "ok", plain: "success", stream: "success" },
  { step: "cache-hit", plain: "success", stream: "success" },
  { step: "failover:provider=azure;model=openai/gpt-4o", plain: "success", stream: "success" },
  { step: "drip:ms=1", plain: "success", stream: "success" },
  { step: "500", plain: "retry", stream: "retry" },
  { step: "502", plain: "retry", stream: "retry" },
  { step: "503:s=1", plain: "retry", stream: "retry" },
  { step: "504", plain: "retry", stream: "retry" },
  { step: "408", plain: "retry", stream: "retry" },
  { step: "409", plain: "retry", stream: "retry" },
  { step: "429:s=0", plain: "retry", stream: "retry" },
  // Longer than MAX_RETRY_AFTER: not waited for, the call ends with the RateLimitError.
  { step: "429:s=9999", plain: "fatal", stream: "fatal" },
  { step: "429:date=1", plain: "retry", stream: "retry" },
  { step: "429:ms=10", plain: "retry", stream: "retry" },
  { step: "429:raw=-1", plain: "retry", stream: "retry" },
  { step: "reset", plain: "retry", stream: "retry" },
  { step: "cut:after=0", plain: "retry", stream: "retry" },
  { step: "cut:after=2", plain: "retry", stream: "fatal" },
  { step: "malformed", plain: "retry", stream: "fatal" },
  { step: "inband-error:after=0", plain: "success", stream: "retry" },
  { step: "inband-error:after=2", plain: "success", stream: "fatal" },
  { step: "400", plain: "fatal", stream: "fatal" },
  { step: "401", plain: "fatal", stream: "fatal" },
  { step: "403", plain: "fatal", stream: "fatal" },
  { step: "404", plain: "fatal", stream: "fatal" },
  { step: "422", plain: "fatal", stream: "fatal" },
];

function predict(script: number[], mode: "plain" | "stream"): { ok: boolean; attempts: number } {
  for (let attempt = 1; ; attempt++) {
    const entry = STEPS[script[attempt - 1] ?? 0]!;
    const verdict = entry[mode];
    if (verdict === "success") return { ok: true, attempts: attempt };
    if (verdict === "fatal" || attempt === MAX_ATTEMPTS) return { ok: false, attempts: attempt };
  }
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    client: {
      retry: {
        maxAttempts: MAX_ATTEMPTS,
        baseDelayMs: 100,
        maxDelayMs: MAX_DELAY,
        maxRetryAfterMs: MAX_RETRY_AFTER,
      },
      circuitBreaker: false,
      retryBudget: false,
      random: Math.random,
    },
  });
});
afterAll(async () => {
  await h.close();
  for (const text of h.captured) expect(text).not.toContain(KEY);
});

describe("random fault scripts", () => {
  it("end exactly as the retry policy predicts", { timeout: 120_000 }, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: STEPS.length - 1 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom("plain" as const, "stream" as const),
        async (script, mode) => {
          const own = h.fork();
          const key = `prop-${run++}`;
          const faults = script.map((i) => STEPS[i]!.step).join(",");
          const outcome = await call(own, { stream: mode === "stream", faults, idempotencyKey: key });
          const expected = predict(script, mode);
          const sent = h.mock.stats().requestsByKey[key];
          expect(sent, faults).toBe(expected.attempts);
          expect(outcome.ok, `${faults} (${mode})`).toBe(expected.ok);
          if (outcome.ok) {
            expect(outcome.result.metadata.attempts).toBe(expected.attempts);
          } else {
            expect(GatewayError.isInstance(outcome.error)).toBe(true);
            expect((outcome.error as GatewayError).attempts).toBe(expected.attempts);
          }
          // One scheduled retry per extra attempt; waits of 0 ms (Retry-After: 0) are not slept.
          expect(own.events.filter((e) => e.type === "retry_scheduled")).toHaveLength(expected.attempts - 1);
          expect(own.sleeps.length).toBeLessThanOrEqual(expected.attempts - 1);
          for (const ms of own.sleeps) expect(ms).toBeLessThanOrEqual(MAX_RETRY_AFTER);
        },
      ),
      { numRuns: 80 },
    );
  });
});
