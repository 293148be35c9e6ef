import { randomUUID } from "node:crypto";
import { createParser } from "eventsource-parser";
import { redactKey } from "./api-key.js";
import { computeBackoffMs } from "./backoff.js";
import { Bulkhead, BulkheadFullError } from "./bulkhead.js";
import { CircuitBreaker, type CircuitState } from "./circuit-breaker.js";
import { type GatewayClientOptions, type ResolvedConfig, resolveConfig } from "./config.js";
import { DeltaChannel } from "./deltas.js";
import { AbortedError } from "./errors/aborted-error.js";
import { AuthError } from "./errors/auth-error.js";
import { CircuitOpenError } from "./errors/circuit-open-error.js";
import { ConcurrencyLimitError } from "./errors/concurrency-limit-error.js";
import { ConnectionError } from "./errors/connection-error.js";
import { GatewayError } from "./errors/gateway-error.js";
import { type IncompleteReason, IncompleteStreamError } from "./errors/incomplete-stream-error.js";
import { InvalidConfigError } from "./errors/invalid-config-error.js";
import { RateLimitError } from "./errors/rate-limit-error.js";
import { RetryBudgetExceededError } from "./errors/retry-budget-exceeded-error.js";
import { TimeoutError } from "./errors/timeout-error.js";
import { type GatewayErrorBody, UpstreamError } from "./errors/upstream-error.js";
import { costFromPriceTable } from "./price-table.js";
import { parseRetryAfterMs } from "./retry-after.js";
import { RetryBudget } from "./retry-budget.js";
import type {
  ChatOptions,
  ChatRequest,
  ChatResult,
  ChatStream,
  Cost,
  FailoverReason,
  GatewayEvent,
  RetryReason,
  TokenUsage,
} from "./types.js";
import {
  errorForStatus,
  gatewayCost,
  isObject,
  parseErrorBody,
  parseUsage,
  scrubKey,
  str,
} from "./upstream-response.js";

export interface GatewayClient {
  /** One chat completion; resolves with the text and provider metadata, or rejects with a `GatewayError`. */
  chat(request: ChatRequest, options?: ChatOptions): Promise<ChatResult>;
  /** A streamed chat completion: iterate for deltas, await `.result` for the final result. Starts at once. */
  chatStream(request: ChatRequest, options?: ChatOptions): ChatStream;
  /** Circuit state of one model ("closed" when breaking is disabled or the model was never called). */
  circuitState(model: string): CircuitState;
  readonly baseUrl: string;
}

/** Why the call's or an attempt's AbortController fired. */
type AbortCause =
  | { kind: "overall"; ms: number }
  | { kind: "attempt"; ms: number }
  | { kind: "idle"; ms: number }
  | { kind: "caller"; reason: unknown };

interface CallContext {
  request: ChatRequest;
  stream: boolean;
  idempotencyKey: string;
  labels: Record<string, string> | undefined;
  headers: Record<string, string> | undefined;
  startedAt: number;
  deadlineAt: number;
  deadlineMs: number;
  /** Why the call was stopped (deadline, caller); set once. */
  abortCause: AbortCause | undefined;
  /** The running attempt's controller, aborted together with the call. */
  attemptController: AbortController | undefined;
  /** Created only when something must wait on the call (bulkhead queue, backoff sleep): most calls never need it. */
  waitController: AbortController | undefined;
  attempts: number;
  upstreamRequestId: string | undefined;
  channel: DeltaChannel | undefined;
  firstChunkAt: number | undefined;
}

interface AttemptSuccess {
  text: string;
  toolCalls: ReadonlyArray<Record<string, unknown>> | undefined;
  finishReason: string | undefined;
  rawUsage: unknown;
  servedModel: string | undefined;
  bodyProvider: string | undefined;
  bodyId: string | undefined;
  headers: Headers;
  headersAt: number;
  bodyCacheHit: boolean;
}

const FAILOVER_MEMORY = 1_000;

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

/** Failures that say the model is unhealthy. Rate limits and caller errors do not trip a breaker. */
const countsAgainstCircuit = (error: GatewayError) =>
  error.origin === "upstream" && !RateLimitError.isInstance(error) && error.status !== 409;

const providerPrefix = (model: string) => {
  const slash = model.indexOf("/");
  return slash === -1 ? undefined : model.slice(0, slash);
};
const bareModel = (model: string) => {
  const slash = model.indexOf("/");
  return (slash === -1 ? model : model.slice(slash + 1)).toLowerCase();
};

export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const config = resolveConfig(options);
  return new GatewayClientImpl(config);
}

class GatewayClientImpl implements GatewayClient {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly budget: RetryBudget | undefined;
  private readonly bulkhead: Bulkhead | undefined;
  private readonly lastProvider = new Map<string, string>();

  constructor(private readonly config: ResolvedConfig) {
    this.budget = config.retryBudget
      ? new RetryBudget({ ...config.retryBudget, now: config.now })
      : undefined;
    this.bulkhead = config.concurrency ? new Bulkhead(config.concurrency) : undefined;
  }

  get baseUrl(): string {
    return this.config.baseUrl;
  }

  /** Never show the key, whatever serialises the client. */
  toJSON() {
    return { baseUrl: this.config.baseUrl };
  }

  [Symbol.for("nodejs.util.inspect.custom")]() {
    return `GatewayClient { baseUrl: ${this.config.baseUrl} }`;
  }

  circuitState(model: string): CircuitState {
    return this.breakers.get(model)?.state ?? "closed";
  }

  chat(request: ChatRequest, options: ChatOptions = {}): Promise<ChatResult> {
    return this.run(request, options, undefined);
  }

  chatStream(request: ChatRequest, options: ChatOptions = {}): ChatStream {
    const stopper: { stop?: () => void } = {};
    const channel = new DeltaChannel(() => stopper.stop?.());
    const result = this.run(request, options, channel, stopper).then(
      (value) => {
        channel.end();
        return value;
      },
      (error: unknown) => {
        channel.fail(error);
        throw error;
      },
    );
    // The caller may only iterate; the same error reaches them there, so an unobserved `result` is not an
    // unhandled rejection.
    result.catch(() => {});
    return {
      result,
      abort: () => stopper.stop?.(),
      [Symbol.asyncIterator]: () => channel[Symbol.asyncIterator](),
    };
  }

  private emit(event: GatewayEvent): void {
    for (const sink of this.config.sinks) {
      try {
        sink(event);
      } catch {
        // A broken telemetry sink must never break a model call.
      }
    }
  }

  private breakerFor(model: string): CircuitBreaker | undefined {
    const settings = this.config.circuitBreaker;
    if (!settings) return undefined;
    let breaker = this.breakers.get(model);
    if (!breaker) {
      breaker = new CircuitBreaker(model, {
        ...settings,
        now: this.config.now,
        onStateChange: (change) => this.emit({ type: "circuit_state", ...change }),
      });
      this.breakers.set(model, breaker);
    }
    return breaker;
  }

  private async run(
    request: ChatRequest,
    options: ChatOptions,
    channel: DeltaChannel | undefined,
    stopper?: { stop?: () => void },
  ) {
    const stream = channel !== undefined;
    validateRequest(request, options);
    const config = this.config;
    const deadlineMs = options.deadlineMs ?? config.timeouts.deadlineMs;
    const startedAt = config.now();
    const ctx: CallContext = {
      request,
      stream,
      idempotencyKey: options.idempotencyKey ?? randomUUID(),
      labels: options.telemetryLabels,
      headers: options.headers,
      startedAt,
      deadlineAt: startedAt + deadlineMs,
      deadlineMs,
      abortCause: undefined,
      attemptController: undefined,
      waitController: undefined,
      attempts: 0,
      upstreamRequestId: undefined,
      channel,
      firstChunkAt: undefined,
    };
    const deadlineTimer = setTimeout(() => abortCall(ctx, { kind: "overall", ms: deadlineMs }), deadlineMs);
    const callerSignal = options.signal;
    const onCallerAbort = () => abortCall(ctx, { kind: "caller", reason: callerSignal?.reason });
    if (callerSignal) {
      if (callerSignal.aborted) onCallerAbort();
      else callerSignal.addEventListener("abort", onCallerAbort, { once: true });
    }
    if (stopper) {
      stopper.stop = () =>
        abortCall(ctx, { kind: "caller", reason: new Error("the stream consumer stopped iterating") });
    }
    if (config.sinks.length) {
      this.emit({
        type: "request_start",
        requestId: ctx.idempotencyKey,
        model: request.model,
        stream,
        labels: ctx.labels,
      });
    }
    let slotHeld = false;
    try {
      if (this.bulkhead) {
        const wait = this.bulkhead.tryAcquire() ? undefined : this.bulkhead.acquire(waitSignal(ctx));
        if (wait) {
          try {
            await wait;
          } catch (error) {
            if (error instanceof BulkheadFullError) {
              throw new ConcurrencyLimitError({ model: request.model, ...this.bulkhead.options });
            }
            throw this.abortError(ctx, request.model);
          }
        }
        slotHeld = true;
      }
      this.budget?.recordRequest();
      const result = await this.runChain(ctx);
      if (config.sinks.length) {
        this.emit({
          type: "request_end",
          requestId: ctx.idempotencyKey,
          model: request.model,
          stream,
          durationMs: config.now() - startedAt,
          labels: ctx.labels,
          result,
        });
      }
      return result;
    } catch (thrown) {
      const error = GatewayError.isInstance(thrown) ? thrown : this.unexpected(thrown, request.model);
      error.attempts = ctx.attempts;
      error.requestId ??= ctx.upstreamRequestId ?? ctx.idempotencyKey;
      if (config.sinks.length) {
        this.emit({
          type: "request_end",
          requestId: ctx.idempotencyKey,
          model: request.model,
          stream,
          durationMs: config.now() - startedAt,
          labels: ctx.labels,
          error,
        });
      }
      throw error;
    } finally {
      clearTimeout(deadlineTimer);
      callerSignal?.removeEventListener("abort", onCallerAbort);
      if (stopper) stopper.stop = undefined;
      if (slotHeld) this.bulkhead?.release();
    }
  }

  private unexpected(thrown: unknown, model: string): GatewayError {
    return new UpstreamError({
      message: `Unexpected failure in the gateway client for model "${model}": ${thrown instanceof Error ? thrown.message : String(thrown)}. This is a bug; please report it.`,
      model,
      retryable: false,
      cause: thrown,
    });
  }

  private abortError(ctx: CallContext, model: string): GatewayError {
    const cause = ctx.abortCause;
    if (cause?.kind === "overall")
      return new TimeoutError({ deadline: "overall", timeoutMs: cause.ms, model });
    return new AbortedError({ model, cause: cause?.kind === "caller" ? cause.reason : undefined });
  }

  private async runChain(ctx: CallContext): Promise<ChatResult> {
    const { config } = this;
    const models = [ctx.request.model, ...(ctx.request.fallbacks ?? [])];
    let lastError: GatewayError | undefined;
    const openCircuits: { model: string; retryInMs: number }[] = [];
    let keyRefreshed = false;

    for (let index = 0; index < models.length; index++) {
      const model = models[index]!;
      if (index > 0) {
        if (ctx.attempts > 0 && this.budget && !this.budget.tryRetry())
          throw this.budgetError(ctx, model, lastError);
        if (config.sinks.length) {
          this.emit({
            type: "fallback",
            requestId: ctx.idempotencyKey,
            from: models[index - 1]!,
            to: model,
            reason: lastError?.code ?? "unknown",
            labels: ctx.labels,
          });
        }
      }
      const breaker = this.breakerFor(model);
      const body = this.serialize(ctx, model);
      for (let attemptOnModel = 1; ; attemptOnModel++) {
        if (ctx.abortCause)
          throw lastError && ctx.abortCause.kind === "overall" ? lastError : this.abortError(ctx, model);
        const admission = breaker?.admit();
        if (admission && !admission.allowed) {
          openCircuits.push({ model, retryInMs: admission.retryInMs });
          lastError = new CircuitOpenError({ models: [model], retryInMs: admission.retryInMs, model });
          break;
        }
        ctx.attempts++;
        let error: GatewayError;
        try {
          const success = await this.attempt(ctx, model, body, ctx.attempts);
          breaker?.recordSuccess();
          return this.finish(ctx, model, index > 0, success);
        } catch (thrown) {
          error = GatewayError.isInstance(thrown) ? thrown : this.unexpected(thrown, model);
        }
        if (breaker) {
          if (countsAgainstCircuit(error)) breaker.recordFailure();
          else breaker.releaseProbe();
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
          config.keyProvider.invalidate();
          if (config.sinks.length) {
            this.emit({
              type: "retry_scheduled",
              requestId: ctx.idempotencyKey,
              model,
              attempt: ctx.attempts,
              delayMs: 0,
              reason: "auth_refresh",
              delaySource: "key-refresh",
              labels: ctx.labels,
            });
          }
          attemptOnModel--;
          continue;
        }
        if (!error.retryable || ctx.channel?.delivered) throw error;
        if (attemptOnModel >= config.retry.maxAttempts) break;

        const hinted =
          RateLimitError.isInstance(error) || UpstreamError.isInstance(error)
            ? error.retryAfterMs
            : undefined;
        const delayMs =
          hinted !== undefined
            ? Math.min(hinted, config.retry.maxRetryAfterMs)
            : computeBackoffMs({
                retry: attemptOnModel,
                baseDelayMs: config.retry.baseDelayMs,
                maxDelayMs: config.retry.maxDelayMs,
                random: config.random,
              });
        // Waits never stack past the deadline: a wait that would end after it is not started.
        if (config.now() + delayMs >= ctx.deadlineAt) throw error;
        if (this.budget && !this.budget.tryRetry()) throw this.budgetError(ctx, model, error);
        if (config.sinks.length) {
          this.emit({
            type: "retry_scheduled",
            requestId: ctx.idempotencyKey,
            model,
            attempt: ctx.attempts,
            delayMs,
            reason: reasonOf(error),
            delaySource: hinted !== undefined ? "retry-after" : "backoff",
            labels: ctx.labels,
          });
        }
        if (delayMs > 0) {
          try {
            await config.sleep(delayMs, waitSignal(ctx));
          } catch {
            // (A cast: TypeScript keeps the narrowing from the check above across the await.)
            throw (ctx.abortCause as AbortCause | undefined)?.kind === "overall"
              ? error
              : this.abortError(ctx, model);
          }
        }
      }
      if (lastError && !lastError.retryable) throw lastError;
    }
    if (openCircuits.length === models.length) {
      throw new CircuitOpenError({
        models: openCircuits.map((c) => c.model),
        retryInMs: Math.min(...openCircuits.map((c) => c.retryInMs)),
        model: ctx.request.model,
      });
    }
    throw lastError ?? this.unexpected(new Error("no attempt was made"), ctx.request.model);
  }

  private budgetError(ctx: CallContext, model: string, cause: GatewayError | undefined) {
    const budget = this.budget!;
    return new RetryBudgetExceededError({
      model,
      ratio: budget.ratio,
      windowMs: budget.windowMs,
      cause,
      status: cause?.status,
      requestId: ctx.upstreamRequestId,
    });
  }

  private serialize(ctx: CallContext, model: string): string {
    const { fallbacks: _fallbacks, ...params } = ctx.request;
    const payload: Record<string, unknown> = { ...params, model };
    if (ctx.stream) {
      payload.stream = true;
      if (this.config.streamUsage && payload.stream_options === undefined)
        payload.stream_options = { include_usage: true };
    } else if (payload.stream === true) {
      payload.stream = false;
    }
    return JSON.stringify(payload);
  }

  /** One HTTP exchange. Resolves with the parsed answer or throws a typed, classified error. */
  private async attempt(
    ctx: CallContext,
    model: string,
    body: string,
    attempt: number,
  ): Promise<AttemptSuccess> {
    const { config } = this;
    let key: string;
    try {
      key = await config.keyProvider.getKey();
    } catch (error) {
      if (GatewayError.isInstance(error)) throw error;
      throw new AuthError({
        message: `The apiKeyProvider failed to supply a key: ${error instanceof Error ? error.message : String(error)}. Check the secret store or file it reads.`,
        model,
        cause: error,
      });
    }
    const attemptController = new AbortController();
    const attemptSignal = attemptController.signal;
    if (ctx.abortCause) attemptController.abort(ctx.abortCause);
    ctx.attemptController = attemptController;
    const headerTimer = setTimeout(
      () => attemptController.abort({ kind: "attempt", ms: config.timeouts.attemptMs } satisfies AbortCause),
      config.timeouts.attemptMs,
    );
    let idleTimer: NodeJS.Timeout | undefined;
    const attemptStart = config.now();
    if (config.sinks.length) {
      this.emit({
        type: "attempt_start",
        requestId: ctx.idempotencyKey,
        model,
        attempt,
        stream: ctx.stream,
        labels: ctx.labels,
      });
    }
    let status: number | undefined;
    let phase: "connect" | "body" = "connect";
    // Stream progress, kept here so a failure can report the partial text and usage.
    const progress = { text: "", rawUsage: undefined as unknown };
    try {
      const headers: Record<string, string> = {
        "content-type": "application/json",
        accept: ctx.stream ? "text/event-stream" : "application/json",
        ...config.headers,
        ...ctx.headers,
        authorization: `Bearer ${key}`,
        "idempotency-key": ctx.idempotencyKey,
      };
      let response: Response;
      try {
        response = await config.fetch(config.completionsUrl, {
          method: "POST",
          headers,
          body,
          signal: attemptSignal,
        });
      } finally {
        clearTimeout(headerTimer);
      }
      phase = "body";
      status = response.status;
      const headersAt = config.now();
      ctx.upstreamRequestId = response.headers.get("x-request-id") ?? ctx.upstreamRequestId;
      idleTimer = setTimeout(
        () => attemptController.abort({ kind: "idle", ms: config.timeouts.idleMs } satisfies AbortCause),
        config.timeouts.idleMs,
      );
      if (!response.ok) {
        const text = await readText(response, idleTimer, 64 * 1024);
        throw errorForStatus({
          status: response.status,
          body: parseErrorBody(text, key),
          model,
          url: config.completionsUrl,
          retryAfterMs: parseRetryAfterMs(response.headers, { nowMs: config.wallClock() }),
          requestId: ctx.upstreamRequestId,
          keyHint: redactKey(key),
        });
      }
      const success = ctx.stream
        ? await this.readStream(ctx, model, response, idleTimer, progress, key)
        : parseCompletion(
            await readText(response, idleTimer, Number.POSITIVE_INFINITY),
            model,
            response.status,
            key,
          );
      success.headers = response.headers;
      success.headersAt = headersAt;
      if (config.sinks.length) {
        this.emit({
          type: "attempt_end",
          requestId: ctx.idempotencyKey,
          model,
          attempt,
          outcome: "success",
          status,
          errorCode: undefined,
          durationMs: config.now() - attemptStart,
          labels: ctx.labels,
        });
      }
      return success;
    } catch (thrown) {
      const error = this.classify(ctx, model, thrown, { attemptSignal, phase, progress, key, status });
      if (config.sinks.length) {
        this.emit({
          type: "attempt_end",
          requestId: ctx.idempotencyKey,
          model,
          attempt,
          outcome: "error",
          status,
          errorCode: error.code,
          durationMs: config.now() - attemptStart,
          labels: ctx.labels,
        });
      }
      throw error;
    } finally {
      clearTimeout(headerTimer);
      if (idleTimer) clearTimeout(idleTimer);
      ctx.attemptController = undefined;
    }
  }

  private classify(
    ctx: CallContext,
    model: string,
    thrown: unknown,
    {
      attemptSignal,
      phase,
      progress,
      key,
      status,
    }: {
      attemptSignal: AbortSignal;
      phase: "connect" | "body";
      progress: { text: string; rawUsage: unknown };
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
        partialText: progress.text,
        usage: parseUsage(progress.rawUsage),
        retryable: !ctx.channel?.delivered,
        model,
        status,
        ...extra,
      });
    if (attemptSignal.aborted) {
      const cause = attemptSignal.reason as AbortCause;
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
    const message = scrubKey(describeNetworkError(thrown), key);
    if (ctx.stream && phase === "body") return incomplete("cut", { detail: message });
    return new ConnectionError({
      phase,
      model,
      status,
      message: `Connection to ${this.config.completionsUrl} failed ${phase === "connect" ? "before any response byte" : "while reading the response body"} for model "${model}": ${message}. The client retries this; if it persists check the base URL, DNS and network.`,
    });
  }

  private async readStream(
    ctx: CallContext,
    model: string,
    response: Response,
    idleTimer: NodeJS.Timeout,
    progress: { text: string; rawUsage: unknown },
    key: string,
  ): Promise<AttemptSuccess> {
    const channel = ctx.channel!;
    const { config } = this;
    let done = false;
    let fault: StreamFault | undefined;
    let finishReason: string | undefined;
    let servedModel: string | undefined;
    let bodyProvider: string | undefined;
    let bodyId: string | undefined;
    let cacheHit = false;
    let toolCalls: ToolCallDraft[] | undefined;
    const parser = createParser({
      onEvent: (event) => {
        if (done || fault) return;
        const data = event.data;
        if (data === "[DONE]") {
          done = true;
          return;
        }
        let chunk: unknown;
        try {
          chunk = JSON.parse(data);
        } catch {
          fault = new StreamFault("malformed", `frame is not JSON: ${scrubKey(data.slice(0, 80), key)}`);
          return;
        }
        if (!isObject(chunk)) {
          fault = new StreamFault("malformed", "frame is not a JSON object");
          return;
        }
        if (chunk.error !== undefined && chunk.error !== null) {
          const body = parseErrorBody(JSON.stringify(chunk), key);
          fault = new StreamFault("inband_error", body?.message ?? "error frame", body);
          return;
        }
        servedModel = str(chunk.model) ?? servedModel;
        bodyProvider = str(chunk.provider) ?? bodyProvider;
        bodyId = str(chunk.id) ?? bodyId;
        if (chunk.cache_hit === true || chunk.cached === true) cacheHit = true;
        if (chunk.usage !== undefined && chunk.usage !== null) progress.rawUsage = chunk.usage;
        const choices = chunk.choices;
        if (Array.isArray(choices) && choices.length > 0 && isObject(choices[0])) {
          const choice = choices[0];
          const delta = choice.delta;
          if (isObject(delta) && typeof delta.content === "string" && delta.content !== "") {
            progress.text += delta.content;
            if (ctx.firstChunkAt === undefined) {
              ctx.firstChunkAt = config.now();
              if (config.sinks.length) {
                this.emit({
                  type: "first_chunk",
                  requestId: ctx.idempotencyKey,
                  model,
                  latencyMs: ctx.firstChunkAt - ctx.startedAt,
                  labels: ctx.labels,
                });
              }
            }
            channel.push(delta.content);
          }
          if (isObject(delta) && Array.isArray(delta.tool_calls)) {
            toolCalls ??= [];
            mergeToolCallDeltas(toolCalls, delta.tool_calls);
          }
          const finish = str(choice.finish_reason);
          if (finish) finishReason = finish;
        }
      },
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let released = false;
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) {
          released = true;
          break;
        }
        idleTimer.refresh();
        parser.feed(decoder.decode(chunk.value, { stream: true }));
        if (fault) throw fault;
        if (done) {
          // The answer is complete: return now, and read the tail of the body in the background instead of
          // cancelling it, since a cancelled body costs the keep-alive connection the next call would reuse.
          drainInBackground(reader);
          released = true;
          break;
        }
      }
      if (!done) parser.feed(decoder.decode());
      if (fault) throw fault;
    } finally {
      if (!released) reader.cancel().catch(() => {});
    }
    if (!done && finishReason === undefined) throw new StreamFault("cut", "the response ended early");
    return {
      text: progress.text,
      toolCalls: toolCalls?.filter(Boolean).map(finishToolCall),
      finishReason,
      rawUsage: progress.rawUsage,
      servedModel,
      bodyProvider,
      bodyId,
      headers: response.headers,
      headersAt: 0,
      bodyCacheHit: cacheHit,
    };
  }

  private finish(
    ctx: CallContext,
    attemptedModel: string,
    fallbackUsed: boolean,
    success: AttemptSuccess,
  ): ChatResult {
    const { config } = this;
    const headers = success.headers;
    const servedModel = success.servedModel ?? attemptedModel;
    const provider =
      headers.get("x-phaseo-provider") ??
      headers.get("x-provider") ??
      success.bodyProvider ??
      providerPrefix(servedModel) ??
      providerPrefix(attemptedModel);
    const usage: TokenUsage | undefined = parseUsage(success.rawUsage);
    let cost: Cost | undefined;
    const reported = gatewayCost(success.rawUsage);
    if (reported !== undefined) cost = { usd: reported, source: "gateway" };
    else if (usage) {
      const usd = costFromPriceTable(config.priceTable, attemptedModel, usage);
      if (usd !== undefined) cost = { usd, source: "price-table" };
    }
    const failoverReason = this.detectFailover(attemptedModel, servedModel, provider);
    if (failoverReason && config.sinks.length) {
      this.emit({
        type: "failover",
        requestId: ctx.idempotencyKey,
        attemptedModel,
        servedModel,
        servedProvider: provider,
        reason: failoverReason,
        labels: ctx.labels,
      });
    }
    const cacheHeader = (headers.get("x-phaseo-cache") ?? headers.get("x-cache") ?? "").toLowerCase();
    const end = config.now();
    const latency: ChatResult["metadata"]["latency"] = {
      ttfbMs: success.headersAt - ctx.startedAt,
      totalMs: end - ctx.startedAt,
    };
    if (ctx.firstChunkAt !== undefined) latency.firstChunkMs = ctx.firstChunkAt - ctx.startedAt;
    const message: ChatResult["message"] = { role: "assistant", content: success.text };
    if (success.toolCalls) message.tool_calls = success.toolCalls;
    return {
      text: success.text,
      message,
      finishReason: success.finishReason,
      usage,
      cost,
      metadata: {
        requestedModel: ctx.request.model,
        attemptedModel,
        servedModel,
        provider,
        attempts: ctx.attempts,
        fallbackUsed,
        failover: failoverReason ? { detected: true, reason: failoverReason } : { detected: false },
        cacheHit: success.bodyCacheHit || cacheHeader.startsWith("hit"),
        generationId: headers.get("x-generation-id") ?? success.bodyId,
        requestId: headers.get("x-request-id") ?? undefined,
        idempotencyKey: ctx.idempotencyKey,
        latency,
        usage,
        cost,
      },
    };
  }

  /**
   * A failover is the gateway serving something other than what was asked: another provider than the model's prefix,
   * another model (dated variants like gpt-4o-2024-08-06 of gpt-4o are the same model), or a provider that changed
   * since the previous call for the same model.
   */
  private detectFailover(
    attempted: string,
    served: string,
    provider: string | undefined,
  ): FailoverReason | undefined {
    let reason: FailoverReason | undefined;
    const wanted = providerPrefix(attempted);
    if (provider && wanted && provider.toLowerCase() !== wanted.toLowerCase()) reason = "provider_mismatch";
    else if (!bareModel(served).startsWith(bareModel(attempted))) reason = "model_mismatch";
    if (provider) {
      const previous = this.lastProvider.get(attempted);
      if (!reason && previous !== undefined && previous !== provider) reason = "provider_changed";
      // A mismatched answer is an exception: remembering it would flag the return to normal as a change.
      if (previous !== provider && reason !== "provider_mismatch" && reason !== "model_mismatch") {
        if (this.lastProvider.size >= FAILOVER_MEMORY) this.lastProvider.clear();
        this.lastProvider.set(attempted, provider);
      }
    }
    return reason;
  }
}

/** Stops the call once: the running attempt and any wait (bulkhead queue, backoff) end with `cause`. */
function abortCall(ctx: CallContext, cause: AbortCause): void {
  if (ctx.abortCause) return;
  ctx.abortCause = cause;
  ctx.attemptController?.abort(cause);
  ctx.waitController?.abort(cause);
}

/** An AbortSignal for waits, created on first use so that calls that never wait never pay for it. */
function waitSignal(ctx: CallContext): AbortSignal {
  if (!ctx.waitController) {
    ctx.waitController = new AbortController();
    if (ctx.abortCause) ctx.waitController.abort(ctx.abortCause);
  }
  return ctx.waitController.signal;
}

/** A stream fault found while parsing; classified into IncompleteStreamError by the attempt. */
class StreamFault extends Error {
  constructor(
    readonly reason: IncompleteReason,
    readonly detail: string,
    readonly body?: GatewayErrorBody,
  ) {
    super(detail);
  }
}

function describeNetworkError(thrown: unknown): string {
  if (!(thrown instanceof Error)) return String(thrown);
  const cause = thrown.cause;
  const code = isObject(cause) ? str(cause.code) : undefined;
  const inner = cause instanceof Error ? cause.message : undefined;
  return [
    thrown.message,
    inner && inner !== thrown.message ? inner : undefined,
    code ? `(${code})` : undefined,
  ]
    .filter(Boolean)
    .join(": ");
}

/** Reads a body to text, refreshing the idle timer on every chunk; stops at `limit` bytes. */
async function readText(response: Response, idleTimer: NodeJS.Timeout, limit: number): Promise<string> {
  const body = response.body;
  if (!body) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      idleTimer.refresh();
      chunks.push(value);
      size += value.byteLength;
      if (size >= limit) {
        reader.cancel().catch(() => {});
        break;
      }
    }
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1)
    return Buffer.from(chunks[0]!.buffer, chunks[0]!.byteOffset, chunks[0]!.byteLength).toString("utf8");
  return Buffer.concat(chunks).toString("utf8");
}

function parseCompletion(text: string, model: string, status: number, key: string): AttemptSuccess {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new UpstreamError({
      status,
      model,
      reason: "malformed_body",
      message: `The gateway answered ${status} for model "${model}" with a body that is not JSON (${JSON.stringify(scrubKey(text.slice(0, 80), key))}...). The client retries this; if it persists the base URL may not point at an OpenAI-compatible API.`,
    });
  }
  const choice = isObject(body) && Array.isArray(body.choices) ? body.choices[0] : undefined;
  const message = isObject(choice) ? choice.message : undefined;
  if (!isObject(body) || !isObject(message)) {
    throw new UpstreamError({
      status,
      model,
      reason: "no_choices",
      message: `The gateway answered ${status} for model "${model}" without choices[0].message. The client retries this; check that the base URL is an OpenAI-compatible chat completions API.`,
    });
  }
  const toolCalls = Array.isArray(message.tool_calls)
    ? (message.tool_calls.filter(isObject) as ReadonlyArray<Record<string, unknown>>)
    : undefined;
  return {
    text: typeof message.content === "string" ? message.content : "",
    toolCalls,
    finishReason: str((choice as Record<string, unknown>).finish_reason),
    rawUsage: body.usage,
    servedModel: str(body.model),
    bodyProvider: str(body.provider),
    bodyId: str(body.id),
    headers: undefined as unknown as Headers,
    headersAt: 0,
    bodyCacheHit: body.cache_hit === true || body.cached === true,
  };
}

function validateRequest(request: ChatRequest, options: ChatOptions): void {
  if (typeof request !== "object" || request === null) {
    throw new InvalidConfigError({ path: "request", problem: "missing", fix: "Pass { model, messages }." });
  }
  if (typeof request.model !== "string" || request.model.trim() === "") {
    throw new InvalidConfigError({
      path: "request.model",
      problem: `expected a non-empty model name, got ${JSON.stringify(request.model)}`,
      fix: 'Name the model as the gateway expects, e.g. "openai/gpt-4o-mini".',
    });
  }
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    throw new InvalidConfigError({
      path: "request.messages",
      problem: "expected a non-empty array of messages",
      fix: 'Pass at least one message, e.g. [{ role: "user", content: "Hi" }].',
    });
  }
  if (
    request.fallbacks !== undefined &&
    (!Array.isArray(request.fallbacks) || request.fallbacks.some((m) => typeof m !== "string" || m === ""))
  ) {
    throw new InvalidConfigError({
      path: "request.fallbacks",
      problem: "expected an array of model names",
      fix: 'Pass e.g. ["anthropic/claude-3-5-haiku"], or leave it out.',
    });
  }
  if (
    options.deadlineMs !== undefined &&
    !(typeof options.deadlineMs === "number" && options.deadlineMs > 0)
  ) {
    throw new InvalidConfigError({
      path: "options.deadlineMs",
      problem: `expected a positive number of milliseconds, got ${JSON.stringify(options.deadlineMs)}`,
      fix: "Pass e.g. { deadlineMs: 30000 } or leave it out for timeouts.deadlineMs.",
    });
  }
}

interface ToolCallDraft {
  id: string | undefined;
  type: string;
  name: string;
  arguments: string;
}

/** Streamed tool calls arrive as fragments keyed by `index`: the id and name once, the arguments in pieces. */
function mergeToolCallDeltas(drafts: ToolCallDraft[], fragments: unknown[]): void {
  for (const [position, fragment] of fragments.entries()) {
    if (!isObject(fragment)) continue;
    const index =
      typeof fragment.index === "number" && fragment.index >= 0 && fragment.index < 128
        ? fragment.index
        : position;
    let draft = drafts[index];
    if (!draft) {
      draft = { id: undefined, type: "function", name: "", arguments: "" };
      drafts[index] = draft;
    }
    draft.id = str(fragment.id) ?? draft.id;
    draft.type = str(fragment.type) ?? draft.type;
    const fn = fragment.function;
    if (isObject(fn)) {
      draft.name += str(fn.name) ?? "";
      draft.arguments += str(fn.arguments) ?? "";
    }
  }
}

function finishToolCall(draft: ToolCallDraft): Record<string, unknown> {
  return { id: draft.id, type: draft.type, function: { name: draft.name, arguments: draft.arguments } };
}

/** Reads a finished stream's tail (usually just the chunked-encoding terminator); gives up after a second. */
function drainInBackground(reader: ReadableStreamDefaultReader<Uint8Array>): void {
  const timer = setTimeout(() => {
    reader.cancel().catch(() => {});
  }, 1_000);
  timer.unref();
  const pump = (): Promise<void> => reader.read().then((chunk) => (chunk.done ? undefined : pump()));
  pump()
    .catch(() => {})
    .finally(() => clearTimeout(timer));
}
