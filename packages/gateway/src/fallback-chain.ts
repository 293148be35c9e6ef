import { retryDelay } from "@promptreg/core";
import { abortError, type CallContext, waitSignal } from "./call-context.js";
import { serializeRequest } from "./chat-request.js";
import { type AttemptSuccess, assembleResult } from "./chat-result.js";
import { breakerFor, type ClientCore, emit, unexpectedError } from "./client-core.js";
import { AuthError } from "./errors/auth-error.js";
import { CircuitOpenError } from "./errors/circuit-open-error.js";
import { ConnectionError } from "./errors/connection-error.js";
import { GatewayError } from "./errors/gateway-error.js";
import { IncompleteStreamError } from "./errors/incomplete-stream-error.js";
import { RateLimitError } from "./errors/rate-limit-error.js";
import { RetryBudgetExceededError } from "./errors/retry-budget-exceeded-error.js";
import { TimeoutError } from "./errors/timeout-error.js";
import { UpstreamError } from "./errors/upstream-error.js";
import { runAttempt } from "./http-attempt.js";
import type { ChatResult, RetryReason } from "./types.js";

const reasonOf = (error: GatewayError): RetryReason => {
  if (RateLimitError.isInstance(error)) return "rate_limited";
  if (TimeoutError.isInstance(error)) return "timeout";
  if (ConnectionError.isInstance(error)) return "connection";
  if (IncompleteStreamError.isInstance(error)) return "incomplete_stream";
  if (error.status === 408) return "timeout";
  if (error.status === 409) return "conflict";
  if (error.status !== undefined && error.status < 300) return "invalid_response";
  return "server_error";
};

/**
 * Failures that say the model is unhealthy. Rate limits and 409 are flow control, caller errors are the caller's, and
 * an attempt cut by the call's overall deadline or the caller's abort ran out of the caller's time, which says
 * nothing about the model. A spent retry budget is never an attempt outcome: the failure that asked for the retry
 * was counted once already, and the budget is this client's own throttle.
 */
const countsAgainstCircuit = (error: GatewayError, ctx: CallContext) =>
  error.origin === "upstream" &&
  !RateLimitError.isInstance(error) &&
  error.status !== 409 &&
  ctx.abortCause === undefined;

/**
 * The request's model, then each fallback in order: each model gets up to `retry.maxAttempts` attempts (skipped while
 * its circuit is open), with backoff or Retry-After waits between them, all within the call's overall deadline and
 * the client's retry budget.
 */
export async function runChain(core: ClientCore, ctx: CallContext): Promise<ChatResult> {
  const { config, budget } = core;
  const { request } = ctx;
  const fallbacks = request.fallbacks;
  const modelCount = 1 + (fallbacks?.length ?? 0);
  let lastError: GatewayError | undefined;
  let openCircuits: { model: string; retryInMs: number }[] | undefined;
  let keyRefreshed = false;

  for (let index = 0; index < modelCount; index++) {
    const model = index === 0 ? request.model : fallbacks![index - 1]!;
    if (index > 0) {
      if (ctx.attempts > 0 && budget && !budget.tryRetry()) throw budgetError(core, ctx, model, lastError);
      if (core.observed) {
        emit(core, {
          type: "fallback",
          requestId: ctx.idempotencyKey,
          from: index === 1 ? request.model : fallbacks![index - 2]!,
          to: model,
          reason: lastError?.code ?? "unknown",
          labels: ctx.labels,
        });
      }
    }
    const breaker = breakerFor(core, model);
    const body = serializeRequest(request, {
      model,
      stream: ctx.stream,
      streamUsage: config.streamUsage,
    });
    for (let attemptOnModel = 1; ; attemptOnModel++) {
      if (ctx.abortCause)
        throw lastError && ctx.abortCause.kind === "overall" ? lastError : abortError(ctx, model);
      const admission = breaker?.admit();
      if (admission && !admission.allowed) {
        openCircuits ??= [];
        openCircuits.push({ model, retryInMs: admission.retryInMs });
        lastError = new CircuitOpenError({ models: [model], retryInMs: admission.retryInMs, model });
        break;
      }
      const probe = admission?.probe === true;
      ctx.attempts++;
      let error: GatewayError;
      try {
        const success: AttemptSuccess = await runAttempt(core, ctx, { model, body, attempt: ctx.attempts });
        breaker?.recordSuccess(probe);
        return assembleResult(core, ctx, { attemptedModel: model, fallbackUsed: index > 0, success });
      } catch (thrown) {
        error = GatewayError.isInstance(thrown) ? thrown : unexpectedError(thrown, model);
      }
      if (breaker) {
        if (countsAgainstCircuit(error, ctx)) breaker.recordFailure(probe);
        else if (probe) breaker.releaseProbe();
      }
      lastError = error;
      if (
        AuthError.isInstance(error) &&
        error.status === 401 &&
        !keyRefreshed &&
        config.keyProvider.invalidate
      ) {
        // A rotated key: read it again once and retry at once, without spending the retry budget.
        keyRefreshed = true;
        config.keyProvider.invalidate(ctx.sentKey);
        if (core.observed) {
          emitRetryScheduled(core, ctx, {
            model,
            delayMs: 0,
            reason: "auth_refresh",
            delaySource: "key-refresh",
          });
        }
        attemptOnModel--;
        continue;
      }
      if (!error.retryable || ctx.channel?.delivered) throw error;
      if (attemptOnModel >= config.retry.maxAttempts) break;

      const delay = retryDelay({
        retry: attemptOnModel,
        retryAfterMs:
          RateLimitError.isInstance(error) || UpstreamError.isInstance(error)
            ? error.retryAfterMs
            : undefined,
        baseDelayMs: config.retry.baseDelayMs,
        maxDelayMs: config.retry.maxDelayMs,
        maxRetryAfterMs: config.retry.maxRetryAfterMs,
        random: config.random,
      });
      // The server asked for a longer pause than maxRetryAfterMs: waiting less would earn another 429, so this model
      // is done for this call (the next fallback, or the error with its retryAfterMs).
      if (delay === undefined) break;
      const delayMs = delay.delayMs;
      // Waits never stack past the deadline: a wait that would end after it is not started.
      if (config.now() + delayMs >= ctx.deadlineAt) throw error;
      if (budget && !budget.tryRetry()) throw budgetError(core, ctx, model, error);
      if (core.observed) {
        emitRetryScheduled(core, ctx, {
          model,
          delayMs,
          reason: reasonOf(error),
          delaySource: delay.source,
        });
      }
      if (delayMs > 0) {
        try {
          await config.sleep(delayMs, waitSignal(ctx));
        } catch {
          // (TypeScript keeps the narrowing of ctx.abortCause from the check above across the await.)
          throw (ctx.abortCause as CallContext["abortCause"])?.kind === "overall"
            ? error
            : abortError(ctx, model);
        }
      }
    }
    if (lastError && !lastError.retryable) throw lastError;
  }
  if (openCircuits !== undefined && openCircuits.length === modelCount) {
    throw new CircuitOpenError({
      models: openCircuits.map((c) => c.model),
      retryInMs: Math.min(...openCircuits.map((c) => c.retryInMs)),
      model: request.model,
    });
  }
  throw lastError ?? unexpectedError(new Error("no attempt was made"), request.model);
}

function emitRetryScheduled(
  core: ClientCore,
  ctx: CallContext,
  retry: {
    model: string;
    delayMs: number;
    reason: RetryReason;
    delaySource: "retry-after" | "backoff" | "key-refresh";
  },
): void {
  emit(core, {
    type: "retry_scheduled",
    requestId: ctx.idempotencyKey,
    model: retry.model,
    attempt: ctx.attempts,
    delayMs: retry.delayMs,
    reason: retry.reason,
    delaySource: retry.delaySource,
    labels: ctx.labels,
  });
}

function budgetError(core: ClientCore, ctx: CallContext, model: string, cause: GatewayError | undefined) {
  const budget = core.budget!;
  return new RetryBudgetExceededError({
    model,
    ratio: budget.ratio,
    windowMs: budget.windowMs,
    cause,
    status: cause?.status,
    requestId: ctx.upstreamRequestId,
  });
}
