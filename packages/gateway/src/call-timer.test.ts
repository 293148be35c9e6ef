import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AttemptAbort } from "./attempt-abort.js";
import { type CallContext, createCallContext } from "./call-context.js";
import { CallTimer } from "./call-timer.js";

function context(deadlineMs: number): CallContext {
  return createCallContext({
    request: { model: "m", messages: [{ role: "user", content: "hi" }] },
    channel: undefined,
    idempotencyKey: "k",
    labels: undefined,
    headers: undefined,
    startedAt: 0,
    deadlineMs,
  });
}

/** Starts an attempt the way runAttempt does: a fresh AttemptAbort on the context, then the timer. */
function startAttempt(ctx: CallContext, timer: CallTimer): AttemptAbort {
  ctx.attemptAbort = new AttemptAbort();
  timer.attemptStarted();
  return ctx.attemptAbort;
}

describe("CallTimer (one timer for the overall, attempt and idle deadlines)", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("aborts only the attempt when its headers deadline passes, then still enforces the overall deadline", () => {
    const ctx = context(1_000);
    const timer = new CallTimer(ctx, { attemptMs: 100, idleMs: 500 });
    const attempt = startAttempt(ctx, timer);
    vi.advanceTimersByTime(99);
    expect(attempt.aborted).toBe(false);
    vi.advanceTimersByTime(2);
    expect(attempt.reason).toEqual({ kind: "attempt", ms: 100 });
    expect(ctx.abortCause).toBeUndefined();
    timer.attemptEnded();
    vi.advanceTimersByTime(1_000);
    expect(ctx.abortCause).toEqual({ kind: "overall", ms: 1_000 });
    timer.stop();
  });

  it("moves the idle deadline forward on every chunk and fires once the body stalls", () => {
    const ctx = context(10_000);
    const timer = new CallTimer(ctx, { attemptMs: 100, idleMs: 50 });
    const attempt = startAttempt(ctx, timer);
    vi.advanceTimersByTime(10);
    timer.headersReceived();
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(40);
      timer.refresh();
    }
    // 410 ms in: far past the headers deadline and many idle periods, but no gap was longer than 40 ms.
    expect(attempt.aborted).toBe(false);
    vi.advanceTimersByTime(52);
    expect(attempt.reason).toEqual({ kind: "idle", ms: 50 });
    expect(ctx.abortCause).toBeUndefined();
    timer.stop();
  });

  it("gives a retry its own headers deadline, armed earlier than the overall deadline", () => {
    const ctx = context(10_000);
    const timer = new CallTimer(ctx, { attemptMs: 100, idleMs: 100 });
    startAttempt(ctx, timer);
    vi.advanceTimersByTime(20);
    timer.attemptEnded();
    // A backoff wait longer than attemptMs: the timer re-arms for the overall deadline meanwhile.
    vi.advanceTimersByTime(500);
    const retry = startAttempt(ctx, timer);
    vi.advanceTimersByTime(99);
    expect(retry.aborted).toBe(false);
    vi.advanceTimersByTime(2);
    expect(retry.reason).toEqual({ kind: "attempt", ms: 100 });
    timer.stop();
  });

  it("ends the whole call at the overall deadline, before a longer attempt deadline, and aborts waits too", () => {
    const ctx = context(300);
    const timer = new CallTimer(ctx, { attemptMs: 10_000, idleMs: 10_000 });
    const attempt = startAttempt(ctx, timer);
    ctx.waitController = new AbortController();
    vi.advanceTimersByTime(301);
    expect(ctx.abortCause).toEqual({ kind: "overall", ms: 300 });
    expect(attempt.reason).toEqual({ kind: "overall", ms: 300 });
    expect(ctx.waitController.signal.aborted).toBe(true);
    timer.stop();
  });

  it("fires nothing after stop()", () => {
    const ctx = context(100);
    const timer = new CallTimer(ctx, { attemptMs: 50, idleMs: 50 });
    const attempt = startAttempt(ctx, timer);
    timer.stop();
    vi.advanceTimersByTime(1_000);
    expect(attempt.aborted).toBe(false);
    expect(ctx.abortCause).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });
});
