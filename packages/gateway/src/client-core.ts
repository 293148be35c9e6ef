import { Bulkhead } from "./bulkhead.js";
import { CircuitBreaker } from "./circuit-breaker.js";
import type { ResolvedConfig } from "./config.js";
import { UpstreamError } from "./errors/upstream-error.js";
import { FailoverTracker } from "./failover-tracker.js";
import { RetryBudget } from "./retry-budget.js";
import { createFetchTransport, type Transport } from "./transport.js";
import type { GatewayEvent } from "./types.js";
import { createUndiciTransport } from "./undici-transport.js";

/** What a client shares across its calls: the resolved config and the policies that keep state between calls. */
export interface ClientCore {
  readonly config: ResolvedConfig;
  readonly budget: RetryBudget | undefined;
  readonly bulkhead: Bulkhead | undefined;
  readonly breakers: Map<string, CircuitBreaker>;
  readonly failovers: FailoverTracker;
  /** True when any event sink is registered: callers skip building events nobody reads. */
  readonly observed: boolean;
  /** True when the config adds no headers, so requests use one flat header object. */
  readonly noExtraHeaders: boolean;
  /** Sends the requests: the injected fetch when there is one, else the client's own undici pool. */
  readonly transport: Transport;
}

export function createClientCore(config: ResolvedConfig): ClientCore {
  return {
    config,
    budget: config.retryBudget ? new RetryBudget({ ...config.retryBudget, now: config.now }) : undefined,
    bulkhead: config.concurrency ? new Bulkhead(config.concurrency) : undefined,
    breakers: new Map(),
    failovers: new FailoverTracker(),
    observed: config.sinks.length > 0,
    noExtraHeaders: Object.keys(config.headers).length === 0,
    transport: config.fetch
      ? createFetchTransport(config.fetch, config.completionsUrl)
      : createUndiciTransport(config.completionsUrl),
  };
}

export function emit(core: ClientCore, event: GatewayEvent): void {
  for (const sink of core.config.sinks) {
    try {
      sink(event);
    } catch {
      // A broken telemetry sink must never break a model call.
    }
  }
}

/** The model's circuit breaker, created on first use; undefined when breaking is disabled. */
export function breakerFor(core: ClientCore, model: string): CircuitBreaker | undefined {
  const settings = core.config.circuitBreaker;
  if (!settings) return undefined;
  let breaker = core.breakers.get(model);
  if (!breaker) {
    breaker = new CircuitBreaker(model, {
      ...settings,
      now: core.config.now,
      onStateChange: (change) => emit(core, { type: "circuit_state", client: core.config.name, ...change }),
    });
    core.breakers.set(model, breaker);
  }
  return breaker;
}

/** Anything thrown that is not a GatewayError is a bug in this client; it still reaches the caller typed. */
export function unexpectedError(thrown: unknown, model: string): UpstreamError {
  return new UpstreamError({
    message: `Unexpected failure in the gateway client for model "${model}": ${thrown instanceof Error ? thrown.message : String(thrown)}. This is a bug; please report it.`,
    model,
    retryable: false,
    cause: thrown,
  });
}
