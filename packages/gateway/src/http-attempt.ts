import { parseRetryAfterMs, redactUrlCredentials } from "@promptreg/core";
import { redactKey } from "./api-key.js";
import { type AbortCause, AttemptAbort } from "./attempt-abort.js";
import type { CallContext } from "./call-context.js";
import type { AttemptSuccess } from "./chat-result.js";
import { type ClientCore, emit } from "./client-core.js";
import { parseCompletion } from "./completion-body.js";
import { AbortedError } from "./errors/aborted-error.js";
import { AuthError } from "./errors/auth-error.js";
import { ConnectionError } from "./errors/connection-error.js";
import { GatewayError } from "./errors/gateway-error.js";
import { type IncompleteReason, IncompleteStreamError } from "./errors/incomplete-stream-error.js";
import { TimeoutError } from "./errors/timeout-error.js";
import { type GatewayErrorBody, UpstreamError } from "./errors/upstream-error.js";
import { type ActivityWatch, readStream, StreamFault, type StreamProgress } from "./stream-reader.js";
import type { BodyReader } from "./transport.js";
import { errorForStatus, isObject, parseErrorBody, parseUsage, scrubKey, str } from "./upstream-response.js";

type Phase = "connect" | "body";

/** One HTTP exchange. Resolves with the parsed answer or throws a typed, classified error. */
export async function runAttempt(
  core: ClientCore,
  ctx: CallContext,
  { model, body, attempt }: { model: string; body: string; attempt: number },
): Promise<AttemptSuccess> {
  const { config } = core;
  const pending = readKey(core, model);
  const key = typeof pending === "string" ? pending : await pending;
  ctx.sentKey = key;
  const timer = ctx.timer!;
  const attemptAbort = new AttemptAbort();
  if (ctx.abortCause) attemptAbort.abort(ctx.abortCause);
  ctx.attemptAbort = attemptAbort;
  timer.attemptStarted();
  const attemptStart = config.now();
  if (core.observed) {
    emit(core, {
      type: "attempt_start",
      requestId: ctx.idempotencyKey,
      model,
      attempt,
      stream: ctx.stream,
      labels: ctx.labels,
    });
  }
  let status: number | undefined;
  let phase: Phase = "connect";
  // Stream progress, kept here so a failure can report the partial text and usage.
  const progress: StreamProgress | undefined = ctx.stream ? { text: "", rawUsage: undefined } : undefined;
  try {
    const headers = requestHeaders(core, ctx, key);
    const response = await core.transport.send({ headers, body, abort: attemptAbort });
    phase = "body";
    status = response.status;
    const headersAt = config.now();
    timer.headersReceived();
    ctx.upstreamRequestId = response.headers.get("x-request-id") ?? ctx.upstreamRequestId;
    if (status < 200 || status > 299) {
      const { text } = await readText(response.body, timer, ERROR_BODY_LIMIT_BYTES);
      throw errorForStatus({
        status,
        body: parseErrorBody(text, key),
        model,
        url: config.completionsUrl,
        retryAfterMs: parseRetryAfterMs(response.headers, { nowMs: config.wallClock() }),
        requestId: ctx.upstreamRequestId,
        keyHint: redactKey(key),
      });
    }
    const success = ctx.stream
      ? await readStream(core, ctx, { model, response, idleTimer: timer, progress: progress!, key })
      : parseCompletion(
          await readAnswer(response.body, timer, { model, status, limit: config.maxResponseBytes }),
          {
            model,
            status,
            key,
          },
        );
    success.headers = response.headers;
    success.headersAt = headersAt;
    if (core.observed) emitAttemptEnd(core, ctx, { model, attempt, status, attemptStart, error: undefined });
    return success;
  } catch (thrown) {
    const error = classifyFailure(core, ctx, thrown, { model, attemptAbort, phase, progress, key, status });
    if (core.observed) emitAttemptEnd(core, ctx, { model, attempt, status, attemptStart, error });
    throw error;
  } finally {
    timer.attemptEnded();
    ctx.attemptAbort = undefined;
  }
}

function emitAttemptEnd(
  core: ClientCore,
  ctx: CallContext,
  end: {
    model: string;
    attempt: number;
    status: number | undefined;
    attemptStart: number;
    error: GatewayError | undefined;
  },
): void {
  emit(core, {
    type: "attempt_end",
    requestId: ctx.idempotencyKey,
    model: end.model,
    attempt: end.attempt,
    outcome: end.error ? "error" : "success",
    status: end.status,
    errorCode: end.error?.code,
    durationMs: core.config.now() - end.attemptStart,
    labels: ctx.labels,
  });
}

/** The request headers; the common case (no extra headers configured or passed) builds one flat object. */
function requestHeaders(core: ClientCore, ctx: CallContext, key: string): Record<string, string> {
  const accept = ctx.stream ? "text/event-stream" : "application/json";
  const extra = core.config.headers;
  if (ctx.headers === undefined && core.noExtraHeaders) {
    return {
      "content-type": "application/json",
      accept,
      authorization: `Bearer ${key}`,
      "idempotency-key": ctx.idempotencyKey,
    };
  }
  return {
    "content-type": "application/json",
    accept,
    ...extra,
    ...ctx.headers,
    authorization: `Bearer ${key}`,
    "idempotency-key": ctx.idempotencyKey,
  };
}

/** The key; a provider that answers synchronously (a static key) costs no extra await. */
function readKey(core: ClientCore, model: string): string | Promise<string> {
  try {
    const key = core.config.keyProvider.getKey();
    return typeof key === "string" ? key : key.catch((error: unknown) => keyError(error, model));
  } catch (error) {
    return keyError(error, model);
  }
}

function keyError(error: unknown, model: string): never {
  if (GatewayError.isInstance(error)) throw error;
  throw new AuthError({
    message: `The apiKeyProvider failed to supply a key: ${error instanceof Error ? error.message : String(error)}. Check the secret store or file it reads.`,
    model,
    cause: error,
  });
}

/** Turns whatever ended an attempt (abort, stream fault, network failure, typed error) into one GatewayError. */
function classifyFailure(
  core: ClientCore,
  ctx: CallContext,
  thrown: unknown,
  {
    model,
    attemptAbort,
    phase,
    progress,
    key,
    status,
  }: {
    model: string;
    attemptAbort: AttemptAbort;
    phase: Phase;
    progress: StreamProgress | undefined;
    key: string;
    status: number | undefined;
  },
): GatewayError {
  const delivered = ctx.channel?.delivered ?? false;
  const incomplete = (
    reason: IncompleteReason,
    extra: { detail?: string; cause?: unknown; body?: GatewayErrorBody | undefined } = {},
  ) =>
    new IncompleteStreamError({
      reason,
      partialText: progress?.text ?? "",
      usage: parseUsage(progress?.rawUsage),
      // An answer too large for the budget would be as large again: not worth another attempt.
      retryable: reason !== "too_large" && !ctx.channel?.delivered,
      model,
      status,
      ...extra,
    });
  if (attemptAbort.aborted) {
    const cause = attemptAbort.reason as AbortCause;
    if (cause.kind === "caller") return new AbortedError({ model, cause: cause.reason });
    if (cause.kind === "attempt")
      return new TimeoutError({ deadline: "attempt", timeoutMs: cause.ms, model });
    if (ctx.stream && phase === "body" && (delivered || cause.kind === "idle")) {
      return incomplete(cause.kind === "idle" ? "idle" : "deadline");
    }
    return new TimeoutError({ deadline: cause.kind, timeoutMs: cause.ms, model, status });
  }
  if (GatewayError.isInstance(thrown)) return thrown;
  if (thrown instanceof StreamFault)
    return incomplete(thrown.reason, { detail: thrown.detail, body: thrown.body });
  const message = redactUrlCredentials(scrubKey(describeNetworkError(thrown), key));
  if (ctx.stream && phase === "body") return incomplete("cut", { detail: message });
  return new ConnectionError({
    phase,
    model,
    status,
    message: `Connection to ${redactUrlCredentials(core.config.completionsUrl)} failed ${phase === "connect" ? "before any response byte" : "while reading the response body"} for model "${model}": ${message}. The client retries this; if it persists check the base URL, DNS and network.`,
  });
}

function describeNetworkError(thrown: unknown): string {
  if (!(thrown instanceof Error)) return String(thrown);
  const cause = thrown.cause;
  // fetch wraps the socket error as `cause`; undici's request() throws it (or its own UND_ERR_* error) directly.
  const code = (isObject(cause) ? str(cause.code) : undefined) ?? str((thrown as { code?: unknown }).code);
  const inner = cause instanceof Error ? cause.message : undefined;
  return [
    thrown.message,
    inner && inner !== thrown.message ? inner : undefined,
    code ? `(${code})` : undefined,
  ]
    .filter(Boolean)
    .join(": ");
}

/** How much of an error answer's body is read for its message: the rest is dropped. */
const ERROR_BODY_LIMIT_BYTES = 64 * 1024;

/** A successful, non-streamed answer's text; more than `limit` bytes is a non-retryable `UpstreamError`. */
async function readAnswer(
  body: BodyReader | undefined,
  idleTimer: ActivityWatch,
  { model, status, limit }: { model: string; status: number; limit: number },
): Promise<string> {
  const { text, truncated } = await readText(body, idleTimer, limit);
  if (!truncated) return text;
  throw new UpstreamError({
    status,
    model,
    reason: "too_large",
    retryable: false,
    message: `The gateway answered ${status} for model "${model}" with a body of more than ${limit} bytes, the client's maxResponseBytes; it was not read further. Raise maxResponseBytes if such answers are expected.`,
  });
}

/**
 * Reads a body to text, telling the idle watch about every chunk; stops past `limit` bytes (cancelling the body) and
 * keeps the first `limit` of them. The reader is not released: the body is finished or cancelled when this returns,
 * and releasing costs time on every call.
 */
async function readText(
  body: BodyReader | undefined,
  idleTimer: ActivityWatch,
  limit: number,
): Promise<{ text: string; truncated: boolean }> {
  if (!body) return { text: "", truncated: false };
  let first: Uint8Array | undefined;
  let more: Uint8Array[] | undefined;
  let size = 0;
  for (;;) {
    const chunk = await body.read();
    if (chunk.done) break;
    const value = chunk.value;
    idleTimer.refresh();
    if (first === undefined) first = value;
    else if (more === undefined) more = [first, value];
    else more.push(value);
    size += value.byteLength;
    if (size > limit) {
      body.cancel();
      break;
    }
  }
  const truncated = size > limit;
  if (first === undefined) return { text: "", truncated };
  // A read may hand over every chunk queued since the last one, so the last read can overshoot the limit: cut there.
  const bytes =
    more === undefined
      ? Buffer.from(first.buffer, first.byteOffset, Math.min(first.byteLength, limit))
      : Buffer.concat(more, Math.min(size, limit));
  return { text: bytes.toString("utf8"), truncated };
}
