import type { AbortCause, AttemptAbort } from "./attempt-abort.js";
import type { DeltaChannel } from "./deltas.js";
import { AbortedError } from "./errors/aborted-error.js";
import type { GatewayError } from "./errors/gateway-error.js";
import { TimeoutError } from "./errors/timeout-error.js";
import type { ChatRequest } from "./types.js";

/**
 * What an attempt tells the call's deadline timer (`CallTimer` implements it). Declared here so the context does not
 * import the timer, which imports the context to abort the call.
 */
export interface CallDeadlines {
  /** An attempt starts: its headers deadline runs from now. */
  attemptStarted(): void;
  headersReceived(): void;
  /** A chunk arrived: the idle deadline moves forward. */
  refresh(): void;
  attemptEnded(): void;
  stop(): void;
}

/** The state of one `chat` / `chatStream` call, shared by its fallback chain and its attempts. */
export interface CallContext {
  request: ChatRequest;
  stream: boolean;
  idempotencyKey: string;
  labels: Record<string, string> | undefined;
  headers: Record<string, string> | undefined;
  startedAt: number;
  deadlineAt: number;
  deadlineMs: number;
  /** The call's one timer for the overall, attempt and idle deadlines; set right after the context is created. */
  timer: CallDeadlines | undefined;
  /** Why the call was stopped (deadline, caller); set once. */
  abortCause: AbortCause | undefined;
  /** Stops the running attempt; aborted together with the call. */
  attemptAbort: AttemptAbort | undefined;
  /** Created only when something must wait on the call (bulkhead queue, backoff sleep): most calls never need it. */
  waitController: AbortController | undefined;
  attempts: number;
  upstreamRequestId: string | undefined;
  /** The key the last attempt sent, so a 401 invalidates exactly that key. Internal: never logged or serialised. */
  sentKey: string | undefined;
  channel: DeltaChannel | undefined;
  firstChunkAt: number | undefined;
}

/** A fresh context; `stream` follows from whether a channel carries deltas to the caller. */
export function createCallContext(init: {
  request: ChatRequest;
  channel: DeltaChannel | undefined;
  idempotencyKey: string;
  labels: Record<string, string> | undefined;
  headers: Record<string, string> | undefined;
  startedAt: number;
  deadlineMs: number;
}): CallContext {
  return {
    request: init.request,
    stream: init.channel !== undefined,
    idempotencyKey: init.idempotencyKey,
    labels: init.labels,
    headers: init.headers,
    startedAt: init.startedAt,
    deadlineAt: init.startedAt + init.deadlineMs,
    deadlineMs: init.deadlineMs,
    timer: undefined,
    abortCause: undefined,
    attemptAbort: undefined,
    waitController: undefined,
    attempts: 0,
    upstreamRequestId: undefined,
    sentKey: undefined,
    channel: init.channel,
    firstChunkAt: undefined,
  };
}

/** Stops the call once: the running attempt and any wait (bulkhead queue, backoff) end with `cause`. */
export function abortCall(ctx: CallContext, cause: AbortCause): void {
  if (ctx.abortCause) return;
  ctx.abortCause = cause;
  ctx.attemptAbort?.abort(cause);
  ctx.waitController?.abort(cause);
}

/** An AbortSignal for waits, created on first use so that calls that never wait never pay for it. */
export function waitSignal(ctx: CallContext): AbortSignal {
  if (!ctx.waitController) {
    ctx.waitController = new AbortController();
    if (ctx.abortCause) ctx.waitController.abort(ctx.abortCause);
  }
  return ctx.waitController.signal;
}

/** The error for a call stopped by its overall deadline or by the caller. */
export function abortError(ctx: CallContext, model: string): GatewayError {
  const cause = ctx.abortCause;
  if (cause?.kind === "overall") return new TimeoutError({ deadline: "overall", timeoutMs: cause.ms, model });
  return new AbortedError({ model, cause: cause?.kind === "caller" ? cause.reason : undefined });
}
