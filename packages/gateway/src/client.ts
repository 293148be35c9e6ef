import { randomUUID } from "node:crypto";
import { redactUrlCredentials } from "@promptreg/core";
import { BulkheadFullError } from "./bulkhead.js";
import { abortCall, abortError, type CallContext, createCallContext, waitSignal } from "./call-context.js";
import { CallTimer } from "./call-timer.js";
import { validateRequest } from "./chat-request.js";
import type { CircuitState } from "./circuit-breaker.js";
import { type ClientCore, createClientCore, emit, unexpectedError } from "./client-core.js";
import { type GatewayClientOptions, resolveConfig } from "./config.js";
import { DeltaChannel } from "./deltas.js";
import { ConcurrencyLimitError } from "./errors/concurrency-limit-error.js";
import { GatewayError } from "./errors/gateway-error.js";
import { runChain } from "./fallback-chain.js";
import type { ChatOptions, ChatRequest, ChatResult, ChatStream } from "./types.js";

export interface GatewayClient {
  /** One chat completion; resolves with the text and provider metadata, or rejects with a `GatewayError`. */
  chat(request: ChatRequest, options?: ChatOptions): Promise<ChatResult>;
  /** A streamed chat completion: iterate for deltas, await `.result` for the final result. Starts at once. */
  chatStream(request: ChatRequest, options?: ChatOptions): ChatStream;
  /** Circuit state of one model ("closed" when breaking is disabled or the model was never called). */
  circuitState(model: string): CircuitState;
  readonly baseUrl: string;
  /**
   * Closes the client's keep-alive connections once calls in flight finish (a no-op with an injected fetch).
   * Optional: idle pooled sockets do not keep the process alive.
   */
  close(): Promise<void>;
}

export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  return new GatewayClientImpl(createClientCore(resolveConfig(options)));
}

/** Lets `chatStream` stop its call when the consumer stops iterating or calls `abort()`. */
interface Stopper {
  stop?: () => void;
}

class GatewayClientImpl implements GatewayClient {
  constructor(private readonly core: ClientCore) {}

  get baseUrl(): string {
    return this.core.config.baseUrl;
  }

  /** Never show the key, nor credentials in the base URL, whatever serialises the client. */
  toJSON() {
    return { baseUrl: redactUrlCredentials(this.core.config.baseUrl) };
  }

  [Symbol.for("nodejs.util.inspect.custom")]() {
    return `GatewayClient { baseUrl: ${redactUrlCredentials(this.core.config.baseUrl)} }`;
  }

  close(): Promise<void> {
    return this.core.transport.close();
  }

  circuitState(model: string): CircuitState {
    return this.core.breakers.get(model)?.state ?? "closed";
  }

  chat(request: ChatRequest, options: ChatOptions = {}): Promise<ChatResult> {
    return runCall(this.core, { request, options, channel: undefined, stopper: undefined });
  }

  chatStream(request: ChatRequest, options: ChatOptions = {}): ChatStream {
    const stopper: Stopper = {};
    const channel = new DeltaChannel(() => stopper.stop?.());
    const result = runCall(this.core, { request, options, channel, stopper }).then(
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
}

/**
 * One call from start to end: validation, the overall deadline and caller abort, the bulkhead slot, the retry budget's
 * request count, the fallback chain, and the request_start / request_end events.
 */
async function runCall(
  core: ClientCore,
  {
    request,
    options,
    channel,
    stopper,
  }: {
    request: ChatRequest;
    options: ChatOptions;
    channel: DeltaChannel | undefined;
    stopper: Stopper | undefined;
  },
): Promise<ChatResult> {
  const stream = channel !== undefined;
  validateRequest(request, options);
  const { config, bulkhead } = core;
  const deadlineMs = options.deadlineMs ?? config.timeouts.deadlineMs;
  const startedAt = config.now();
  const ctx = createCallContext({
    request,
    channel,
    idempotencyKey: options.idempotencyKey ?? randomUUID(),
    labels: options.telemetryLabels,
    headers: options.headers,
    startedAt,
    deadlineMs,
  });
  const timer = new CallTimer(ctx, config.timeouts);
  ctx.timer = timer;
  const callerSignal = options.signal;
  let callerAbort: CallerAbort | undefined;
  if (callerSignal) {
    callerAbort = new CallerAbort(ctx, callerSignal);
    if (callerSignal.aborted) callerAbort.handleEvent();
    else callerSignal.addEventListener("abort", callerAbort, ONCE);
  }
  if (stopper) {
    stopper.stop = () =>
      abortCall(ctx, { kind: "caller", reason: new Error("the stream consumer stopped iterating") });
  }
  if (core.observed) {
    emit(core, {
      type: "request_start",
      requestId: ctx.idempotencyKey,
      model: request.model,
      stream,
      labels: ctx.labels,
    });
  }
  let slotHeld = false;
  try {
    if (bulkhead) {
      const wait = bulkhead.tryAcquire() ? undefined : bulkhead.acquire(waitSignal(ctx));
      if (wait) {
        try {
          await wait;
        } catch (error) {
          if (error instanceof BulkheadFullError) {
            throw new ConcurrencyLimitError({ model: request.model, ...bulkhead.options });
          }
          throw abortError(ctx, request.model);
        }
      }
      slotHeld = true;
    }
    core.budget?.recordRequest();
    const result = await runChain(core, ctx);
    if (core.observed) emitRequestEnd(core, ctx, { result });
    return result;
  } catch (thrown) {
    const error = GatewayError.isInstance(thrown) ? thrown : unexpectedError(thrown, request.model);
    error.attempts = ctx.attempts;
    error.requestId ??= ctx.upstreamRequestId ?? ctx.idempotencyKey;
    if (core.observed) emitRequestEnd(core, ctx, { error });
    throw error;
  } finally {
    timer.stop();
    if (callerAbort) callerSignal?.removeEventListener("abort", callerAbort);
    if (stopper) stopper.stop = undefined;
    if (slotHeld) bulkhead?.release();
  }
}

const ONCE = { once: true };

/**
 * Stops the call when the caller's signal fires. An EventListener object, not a closure: built only for calls that
 * pass a signal, where a closure was built for every call (and named by the TypeScript loader, which costs too).
 */
class CallerAbort {
  constructor(
    private readonly ctx: CallContext,
    private readonly signal: AbortSignal,
  ) {}

  handleEvent(): void {
    abortCall(this.ctx, { kind: "caller", reason: this.signal.reason });
  }
}

function emitRequestEnd(
  core: ClientCore,
  ctx: CallContext,
  end: { result: ChatResult } | { error: GatewayError },
): void {
  emit(core, {
    type: "request_end",
    requestId: ctx.idempotencyKey,
    model: ctx.request.model,
    stream: ctx.stream,
    durationMs: core.config.now() - ctx.startedAt,
    labels: ctx.labels,
    ...end,
  });
}
