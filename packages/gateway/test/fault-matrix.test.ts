import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AuthError,
  BadRequestError,
  ConnectionError,
  type GatewayError,
  IncompleteStreamError,
  RateLimitError,
  TimeoutError,
  UpstreamError,
} from "../src/index.js";
import { call, type Harness, KEY, startHarness } from "./harness.js";

/**
 * Every fault kind of the mock protocol, plain and streamed, against the real mock gateway. Delays are recorded by an
 * injected sleep and jitter is fixed (random = 0.5), so waits are exact: backoff base 100 ms -> 50, 100; a
 * Retry-After of N ms -> N * 1.05 (half of the 10% jitter).
 */
type Expected =
  | {
      ok: true;
      attempts: number;
      sleeps: number[] | ((sleeps: number[]) => void);
      check?: (r: ResultOf) => void;
    }
  | {
      ok: false;
      error: { isInstance(value: unknown): boolean; name?: string };
      attempts: number;
      sleeps?: number[];
      check?: (e: GatewayError) => void;
    };
type ResultOf = Extract<Awaited<ReturnType<typeof call>>, { ok: true }>["result"];

interface Row {
  faults: string;
  plain?: Expected;
  stream?: Expected;
  both?: Expected;
}

const success = (
  attempts: number,
  sleeps: Expected extends infer _ ? number[] | ((s: number[]) => void) : never,
  check?: (r: ResultOf) => void,
): Expected => ({
  ok: true,
  attempts,
  sleeps,
  ...(check ? { check } : {}),
});
const failure = (
  error: { isInstance(value: unknown): boolean },
  attempts: number,
  sleeps: number[] | undefined,
  check?: (e: GatewayError) => void,
): Expected => ({ ok: false, error, attempts, ...(sleeps ? { sleeps } : {}), ...(check ? { check } : {}) });

const ROWS: Row[] = [
  { faults: "ok", both: success(1, []) },
  { faults: "500,ok", both: success(2, [50]) },
  { faults: "502,503,ok", both: success(3, [50, 100]) },
  {
    faults: "504,504,504,ok",
    both: failure(UpstreamError, 3, [50, 100], (e) => {
      expect(e.status).toBe(504);
      expect((e as UpstreamError).body?.errorOrigin).toBeDefined();
      expect((e as UpstreamError).body?.generationId).toMatch(/^gen_/);
    }),
  },
  { faults: "429,ok", both: success(2, [1_050]) },
  { faults: "429:s=3,ok", both: success(2, [3_150]) },
  {
    // Longer than maxRetryAfterMs (5 s): not waited for, since a shorter wait would earn another 429.
    faults: "429:s=600,ok",
    both: failure(RateLimitError, 1, [], (e) => expect((e as RateLimitError).retryAfterMs).toBe(600_000)),
  },
  { faults: "429:ms=1500,ok", both: success(2, [1_575]) },
  {
    faults: "429:date=4,ok",
    both: success(2, (sleeps) => {
      // an HTTP date has one-second resolution
      expect(sleeps).toHaveLength(1);
      expect(sleeps[0]).toBeGreaterThan(2_000);
      expect(sleeps[0]).toBeLessThanOrEqual(4_200);
    }),
  },
  { faults: "429:none,ok", both: success(2, [50]) },
  { faults: "429:raw=-5,ok", both: success(2, [50]) },
  { faults: "429:raw=soon,ok", both: success(2, [50]) },
  { faults: "429:raw=99999999999,ok", both: success(2, [50]) },
  { faults: "503:s=2,ok", both: success(2, [2_100]) },
  {
    faults: "429:s=3,429:s=3,429:s=3",
    both: failure(RateLimitError, 3, [3_150, 3_150], (e) => expect((e as RateLimitError).retryAfter).toBe(3)),
  },
  { faults: "408,ok", both: success(2, [50]) },
  { faults: "409,ok", both: success(2, [50]) },
  { faults: "400,ok", both: failure(BadRequestError, 1, [], (e) => expect(e.origin).toBe("caller")) },
  { faults: "401,ok", both: failure(AuthError, 1, [], (e) => expect(e.status).toBe(401)) },
  { faults: "403,ok", both: failure(AuthError, 1, [], (e) => expect(e.status).toBe(403)) },
  { faults: "404,ok", both: failure(BadRequestError, 1, [], (e) => expect(e.status).toBe(404)) },
  { faults: "422,ok", both: failure(BadRequestError, 1, [], (e) => expect(e.status).toBe(422)) },
  { faults: "reset,ok", both: success(2, [50]) },
  {
    faults: "reset,reset,reset",
    both: failure(ConnectionError, 3, [50, 100], (e) => expect((e as ConnectionError).phase).toBe("connect")),
  },
  { faults: "delay:ms=20", both: success(1, []) },
  { faults: "delay:ms=8000,ok", both: success(2, [50]) },
  {
    faults: "delay:ms=8000,delay:ms=8000,delay:ms=8000",
    both: failure(TimeoutError, 3, [50, 100], (e) => expect((e as TimeoutError).deadline).toBe("attempt")),
  },
  {
    faults: "stall:after=1,ok",
    plain: success(2, [50]),
    stream: failure(IncompleteStreamError, 1, [], (e) => {
      const error = e as IncompleteStreamError;
      expect(error.reason).toBe("idle");
      expect(error.partialText.length).toBeGreaterThan(0);
      expect(error.retryable).toBe(false);
    }),
  },
  { faults: "stall:after=0,ok", both: success(2, [50]) },
  {
    faults: "cut:after=2,ok",
    plain: success(2, [50]),
    stream: failure(IncompleteStreamError, 1, [], (e) => {
      const error = e as IncompleteStreamError;
      expect(error.reason).toBe("cut");
      expect(error.partialText).toMatch(/^Echo: /);
    }),
  },
  { faults: "cut:after=0,ok", both: success(2, [50]) },
  {
    faults: "malformed,ok",
    plain: success(2, [50]),
    stream: failure(IncompleteStreamError, 1, [], (e) =>
      expect((e as IncompleteStreamError).reason).toBe("malformed"),
    ),
  },
  {
    faults: "inband-error:after=1,ok",
    plain: success(1, []),
    stream: failure(IncompleteStreamError, 1, [], (e) => {
      const error = e as IncompleteStreamError;
      expect(error.reason).toBe("inband_error");
      expect(error.body?.message).toBeDefined();
      expect(error.partialText.length).toBeGreaterThan(0);
    }),
  },
  { faults: "inband-error:after=0,ok", stream: success(2, [50]) },
  { faults: "drip:ms=30", both: success(1, []) },
  {
    faults: "failover:provider=azure;model=openai/gpt-4o",
    both: success(1, [], (r) => {
      expect(r.metadata.provider).toBe("azure");
      expect(r.metadata.servedModel).toBe("openai/gpt-4o");
      expect(r.metadata.failover).toEqual({ detected: true, reason: "provider_mismatch" });
    }),
  },
  { faults: "cache-hit", both: success(1, [], (r) => expect(r.metadata.cacheHit).toBe(true)) },
];

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    client: {
      retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 },
      // Generous next to the mock's normal latency, since this box is shared: at 2 s, plain "ok" cases timed out
      // once at load 28. The delay faults (8 s) stay twice these; stalls never answer.
      timeouts: { attemptMs: 4_000, idleMs: 4_000, deadlineMs: 60_000 },
      circuitBreaker: false,
      retryBudget: false,
    },
  });
});
afterAll(async () => {
  await h.close();
  for (const text of h.captured) expect(text).not.toContain(KEY);
});

// Every row runs on both transports: the default undici pool, and an injected fetch (the path tests and callers
// that pass `fetch` take), so failure classification cannot drift between them.
const TRANSPORTS = ["undici", "fetch"] as const;
const cases = ROWS.flatMap((row) =>
  (["plain", "stream"] as const).flatMap((mode) => {
    const expected = row[mode] ?? row.both;
    return expected ? TRANSPORTS.map((transport) => ({ faults: row.faults, mode, transport, expected })) : [];
  }),
);

describe("fault matrix (real mock gateway)", () => {
  // Each case has its own client (and so its own recorded sleeps), so cases run concurrently on the one mock.
  it.concurrent.each(cases)(
    "$faults ($mode, $transport)",
    async ({ faults, mode, transport, expected }) => {
      const own = h.fork(transport === "fetch" ? { fetch: globalThis.fetch } : {});
      const outcome = await call(own, { stream: mode === "stream", faults });
      if (expected.ok) {
        if (!outcome.ok) throw outcome.error;
        expect(outcome.result.metadata.attempts).toBe(expected.attempts);
        if (typeof expected.sleeps === "function") expected.sleeps(own.sleeps);
        else expect(own.sleeps).toEqual(expected.sleeps);
        expect(outcome.result.text).toMatch(/^Echo: please echo/);
        if (mode === "stream") expect(outcome.deltas.join("")).toBe(outcome.result.text);
        expected.check?.(outcome.result);
      } else {
        expect(outcome.ok).toBe(false);
        const error = outcome.ok ? undefined : outcome.error;
        expect(expected.error.isInstance(error), String(error)).toBe(true);
        const gatewayError = error as GatewayError;
        expect(gatewayError.attempts).toBe(expected.attempts);
        expect(gatewayError.requestId).toBeTruthy();
        if (expected.sleeps) expect(own.sleeps).toEqual(expected.sleeps);
        expected.check?.(gatewayError);
      }
    },
    30_000,
  );
});
