import { redactUrlCredentials } from "@promptreg/core";
import { type ApiKeyProvider, staticApiKeyProvider } from "./api-key.js";
import { InvalidConfigError } from "./errors/invalid-config-error.js";
import { DEFAULT_PRICE_TABLE, type PriceTable } from "./price-table.js";
import type { GatewayEventSink } from "./types.js";

export interface RetryOptions {
  /** Attempts per model, the first included. Default 3. */
  maxAttempts: number;
  /** Backoff base: the first retry waits up to this. Default 250 ms. */
  baseDelayMs: number;
  /** Backoff ceiling. Default 8 000 ms. */
  maxDelayMs: number;
  /** Longest Retry-After honoured; longer waits are clamped to it. Default 30 000 ms. */
  maxRetryAfterMs: number;
}

export interface TimeoutOptions {
  /** Per attempt, from sending to response headers. Default 30 000 ms. */
  attemptMs: number;
  /** Longest silence between two body chunks (streams and plain bodies). Default 30 000 ms. */
  idleMs: number;
  /** Whole call, retries, backoff waits and fallbacks included. Default 120 000 ms; per call `deadlineMs`. */
  deadlineMs: number;
}

export interface RetryBudgetConfig {
  /** Retries allowed per request over the window. Default 0.2. */
  ratio: number;
  /** Retries always allowed per window. Default 10. */
  minRetries: number;
  /** Default 10 000 ms. */
  windowMs: number;
}

/**
 * When a model's circuit opens (see docs/gateway-client.md, "Circuit breakers"): at least `failureRate` of its recent
 * attempts failed, counted over the last `windowSize` attempts that ended within `windowMs`, once at least
 * `minRequests` are in that window.
 */
export interface CircuitBreakerConfig {
  /** Opens when at least this share of the recent attempts failed... Default 0.5. */
  failureRate: number;
  /** ...once at least this many attempts are in the window (minimum volume)... Default 20. */
  minRequests: number;
  /** ...counting the last this many attempts... Default 100. */
  windowSize: number;
  /** ...that ended within this many ms. Default 30 000 ms. */
  windowMs: number;
  /** How long the circuit stays open before a half-open probe. Default 30 000 ms. */
  openMs: number;
  /**
   * Also opens after this many failures in a row; 0 (the default) turns this off. The default used to be 5, which
   * opened the circuit on 10% transient faults at concurrency 50.
   */
  consecutiveFailures: number;
}

export interface ConcurrencyConfig {
  /** Calls in flight at once. Default 64. */
  maxConcurrent: number;
  /** Calls waiting for a slot (within their deadline); beyond this a call fails fast. Default 1 000. */
  maxQueue: number;
}

export interface GatewayClientOptions {
  /** e.g. `https://api.phaseo.app/v1`; the client posts to `${baseUrl}/chat/completions`. */
  baseUrl: string;
  apiKey?: string;
  apiKeyProvider?: ApiKeyProvider;
  /** Headers sent with every request (e.g. OpenRouter's `HTTP-Referer`). */
  headers?: Record<string, string>;
  retry?: Partial<RetryOptions>;
  timeouts?: Partial<TimeoutOptions>;
  /** `false` disables the budget. */
  retryBudget?: Partial<RetryBudgetConfig> | false;
  /** `false` disables circuit breaking. */
  circuitBreaker?: Partial<CircuitBreakerConfig> | false;
  /** `false` removes the bulkhead. */
  concurrency?: Partial<ConcurrencyConfig> | false;
  /** Prices for models whose gateway does not report `usage.cost`. Default `DEFAULT_PRICE_TABLE`. */
  priceTable?: PriceTable;
  events?: GatewayEventSink | ReadonlyArray<GatewayEventSink>;
  /**
   * Names this client in its `circuit_state` events (`client`), and so in the Prometheus circuit gauge's
   * `gateway_client` label: a process whose clients share one sink (the service and its batch worker thread) then
   * shows each client's breakers apart instead of whichever changed last. Default "" (no label value).
   */
  name?: string;
  /**
   * The most bytes of one upstream answer the client reads: a non-streamed body, or all the bytes of a stream (its
   * SSE framing included). Past it the attempt fails with a non-retryable `UpstreamError` (reason `too_large`) or
   * `IncompleteStreamError` (reason `too_large`), so a broken or hostile upstream cannot grow the caller's memory
   * without bound. Default 16 MiB (`DEFAULT_MAX_RESPONSE_BYTES`); error bodies are read up to 64 KiB whatever this is.
   */
  maxResponseBytes?: number;
  /** Ask for usage in the last stream chunk (`stream_options.include_usage`). Default true. */
  streamUsage?: boolean;
  /**
   * A fetch to send requests with (a test double, a proxy-aware fetch). When absent the client sends through its own
   * keep-alive undici pool, which costs less per request than fetch; `client.close()` closes that pool.
   */
  fetch?: typeof globalThis.fetch;
  /** Test seams: jitter source in [0, 1), wait function, monotonic clock in ms, wall clock in epoch ms. */
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
  wallClock?: () => number;
}

export interface ResolvedConfig {
  baseUrl: string;
  completionsUrl: string;
  keyProvider: ApiKeyProvider;
  headers: Record<string, string>;
  retry: RetryOptions;
  timeouts: TimeoutOptions;
  retryBudget: RetryBudgetConfig | false;
  circuitBreaker: CircuitBreakerConfig | false;
  concurrency: ConcurrencyConfig | false;
  priceTable: PriceTable;
  sinks: GatewayEventSink[];
  /** The client's name in its `circuit_state` events; "" when none was given. */
  name: string;
  /** See `GatewayClientOptions.maxResponseBytes`. */
  maxResponseBytes: number;
  streamUsage: boolean;
  /** The injected fetch; undefined means the undici transport. */
  fetch: typeof globalThis.fetch | undefined;
  random: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  now: () => number;
  wallClock: () => number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
};
export const DEFAULT_TIMEOUTS: TimeoutOptions = { attemptMs: 30_000, idleMs: 30_000, deadlineMs: 120_000 };
export const DEFAULT_RETRY_BUDGET: RetryBudgetConfig = { ratio: 0.2, minRetries: 10, windowMs: 10_000 };
export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerConfig = {
  failureRate: 0.5,
  minRequests: 20,
  windowSize: 100,
  windowMs: 30_000,
  openMs: 30_000,
  consecutiveFailures: 0,
};
export const DEFAULT_CONCURRENCY: ConcurrencyConfig = { maxConcurrent: 64, maxQueue: 1_000 };

interface Range {
  min: number;
  max?: number;
  integer?: boolean;
}

/** The valid values of every numeric policy option: the one place these ranges are written. */
const POLICY_RANGES = {
  retry: {
    maxAttempts: { min: 1, max: 20, integer: true },
    baseDelayMs: { min: 0 },
    maxDelayMs: { min: 0 },
    maxRetryAfterMs: { min: 0 },
  },
  timeouts: { attemptMs: { min: 1 }, idleMs: { min: 1 }, deadlineMs: { min: 1 } },
  retryBudget: { ratio: { min: 0 }, minRetries: { min: 0 }, windowMs: { min: 10 } },
  circuitBreaker: {
    failureRate: { min: 0, max: 1 },
    minRequests: { min: 1, integer: true },
    // Memory: 9 bytes per outcome per model.
    windowSize: { min: 1, max: 100_000, integer: true },
    windowMs: { min: 10 },
    openMs: { min: 0 },
    consecutiveFailures: { min: 0, integer: true },
  },
  concurrency: { maxConcurrent: { min: 1, integer: true }, maxQueue: { min: 0, integer: true } },
} as const satisfies {
  retry: Record<keyof RetryOptions, Range>;
  timeouts: Record<keyof TimeoutOptions, Range>;
  retryBudget: Record<keyof RetryBudgetConfig, Range>;
  circuitBreaker: Record<keyof CircuitBreakerConfig, Range>;
  concurrency: Record<keyof ConcurrencyConfig, Range>;
};

/** The default budget of one upstream answer's bytes (`maxResponseBytes`). */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

function numberIn(
  path: string,
  value: unknown,
  { min, max = Number.POSITIVE_INFINITY, integer = false }: Range,
): number {
  if (
    typeof value !== "number" ||
    Number.isNaN(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    throw new InvalidConfigError({
      path,
      problem: `expected ${integer ? "an integer" : "a number"} ${max === Number.POSITIVE_INFINITY ? `>= ${min}` : `in [${min}, ${max}]`}, got ${JSON.stringify(value)}`,
      fix: "Pass a valid value or leave the option out to use the documented default.",
    });
  }
  return value;
}

function merge<T extends object>(path: string, defaults: T, given: Partial<T> | undefined): T {
  if (given !== undefined && (typeof given !== "object" || given === null)) {
    throw new InvalidConfigError({
      path,
      problem: `expected an object, got ${typeof given}`,
      fix: "Pass an object of options.",
    });
  }
  const out = { ...defaults };
  for (const [k, v] of Object.entries(given ?? {})) {
    if (!(k in defaults)) {
      throw new InvalidConfigError({
        path: `${path}.${k}`,
        problem: "unknown option",
        fix: `Known options: ${Object.keys(defaults).join(", ")}.`,
      });
    }
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** The resilience policies a client can be given, each partial (unset fields keep the defaults) or `false`. */
export type GatewayPolicyOptions = Pick<
  GatewayClientOptions,
  "retry" | "timeouts" | "retryBudget" | "circuitBreaker" | "concurrency"
>;

export interface ResolvedGatewayPolicies {
  retry: RetryOptions;
  timeouts: TimeoutOptions;
  retryBudget: RetryBudgetConfig | false;
  circuitBreaker: CircuitBreakerConfig | false;
  concurrency: ConcurrencyConfig | false;
}

/**
 * Validates the policy options and fills in the defaults, as `createGatewayClient` does; throws `InvalidConfigError`
 * naming the first bad option (`path`, `problem`, `fix`). Exported so that a service can check its configuration at
 * start-up, before it builds a client, against the same ranges.
 */
export function resolveGatewayPolicies(options: GatewayPolicyOptions): ResolvedGatewayPolicies {
  const retry = checkGroup("retry", merge("retry", DEFAULT_RETRY, options.retry));
  const timeouts = checkGroup("timeouts", merge("timeouts", DEFAULT_TIMEOUTS, options.timeouts));
  const retryBudget =
    options.retryBudget !== false &&
    checkGroup("retryBudget", merge("retryBudget", DEFAULT_RETRY_BUDGET, options.retryBudget));
  const circuitBreaker =
    options.circuitBreaker !== false &&
    checkGroup("circuitBreaker", merge("circuitBreaker", DEFAULT_CIRCUIT_BREAKER, options.circuitBreaker));
  if (circuitBreaker && circuitBreaker.minRequests > circuitBreaker.windowSize) {
    throw new InvalidConfigError({
      path: "circuitBreaker.minRequests",
      problem: `${circuitBreaker.minRequests} is more than circuitBreaker.windowSize (${circuitBreaker.windowSize}), so the failure rate could never be evaluated`,
      fix: "Lower circuitBreaker.minRequests or raise circuitBreaker.windowSize.",
    });
  }
  const concurrency =
    options.concurrency !== false &&
    checkGroup("concurrency", merge("concurrency", DEFAULT_CONCURRENCY, options.concurrency));
  return { retry, timeouts, retryBudget, circuitBreaker, concurrency };
}

/**
 * Checks one numeric policy option against its range (not against other options: that is `resolveGatewayPolicies`);
 * throws `InvalidConfigError` when it is out of range. Lets a caller report every bad option at once.
 */
export function checkPolicyOption({
  policy,
  option,
  value,
}: {
  policy: keyof GatewayPolicyOptions;
  option: string;
  value: unknown;
}): void {
  const range = (POLICY_RANGES[policy] as Record<string, Range>)[option];
  if (range === undefined) {
    throw new InvalidConfigError({
      path: `${policy}.${option}`,
      problem: "unknown option",
      fix: `Known options: ${Object.keys(POLICY_RANGES[policy]).join(", ")}.`,
    });
  }
  numberIn(`${policy}.${option}`, value, range);
}

function checkGroup<P extends keyof typeof POLICY_RANGES, T extends object>(policy: P, values: T): T {
  for (const [option, range] of Object.entries(POLICY_RANGES[policy] as Record<string, Range>)) {
    numberIn(`${policy}.${option}`, (values as Record<string, unknown>)[option], range);
  }
  return values;
}

/** Validates options once, at client creation, and fills in defaults. */
export function resolveConfig(options: GatewayClientOptions): ResolvedConfig {
  if (typeof options !== "object" || options === null) {
    throw new InvalidConfigError({
      path: "options",
      problem: "missing",
      fix: "Call createGatewayClient({ baseUrl, apiKey }).",
    });
  }
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch {
    throw new InvalidConfigError({
      path: "baseUrl",
      problem: `not an absolute URL: ${redactUrlCredentials(JSON.stringify(options.baseUrl))}`,
      fix: 'Use e.g. "https://api.phaseo.app/v1" or "http://127.0.0.1:11434/v1".',
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidConfigError({
      path: "baseUrl",
      problem: `unsupported protocol ${url.protocol}`,
      fix: "Use http or https.",
    });
  }
  const baseUrl = url.href.replace(/\/+$/, "");
  if (options.apiKey !== undefined && options.apiKeyProvider !== undefined) {
    throw new InvalidConfigError({
      path: "apiKey",
      problem: "both apiKey and apiKeyProvider are set",
      fix: "Pass one: apiKey for a fixed key, apiKeyProvider for a rotating one.",
    });
  }
  let keyProvider: ApiKeyProvider;
  if (options.apiKeyProvider !== undefined) {
    if (typeof options.apiKeyProvider?.getKey !== "function") {
      throw new InvalidConfigError({
        path: "apiKeyProvider",
        problem: "has no getKey() function",
        fix: "Use envApiKeyProvider(name), fileApiKeyProvider(path) or an object with getKey().",
      });
    }
    keyProvider = options.apiKeyProvider;
  } else if (typeof options.apiKey === "string" && options.apiKey.trim() !== "") {
    keyProvider = staticApiKeyProvider(options.apiKey.trim());
  } else {
    throw new InvalidConfigError({
      path: "apiKey",
      problem: options.apiKey === undefined ? "no apiKey or apiKeyProvider given" : "apiKey is empty",
      fix: 'Pass apiKey, or apiKeyProvider: envApiKeyProvider("PHASEO_API_KEY"). Local servers that need no key accept any non-empty string.',
    });
  }

  const { retry, timeouts, retryBudget, circuitBreaker, concurrency } = resolveGatewayPolicies(options);
  const events = options.events;
  const sinks = events === undefined ? [] : typeof events === "function" ? [events] : [...events];
  for (const [i, sink] of sinks.entries()) {
    if (typeof sink !== "function") {
      throw new InvalidConfigError({
        path: `events[${i}]`,
        problem: "not a function",
        fix: "Pass (event) => void, e.g. createPrometheusTelemetry({ registry }).",
      });
    }
  }
  const name = options.name ?? "";
  if (typeof name !== "string") {
    throw new InvalidConfigError({
      path: "name",
      problem: "not a string",
      fix: 'Name the client with a short string such as "service" or "batch", or leave name out.',
    });
  }
  const maxResponseBytes = numberIn(
    "maxResponseBytes",
    options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    {
      min: 1,
      integer: true,
    },
  );
  const fetchImpl = options.fetch;
  if (fetchImpl !== undefined && typeof fetchImpl !== "function") {
    throw new InvalidConfigError({
      path: "fetch",
      problem: "not a function",
      fix: "Pass a fetch-compatible function, or leave fetch out to use the built-in undici transport.",
    });
  }
  return {
    baseUrl,
    completionsUrl: `${baseUrl}/chat/completions`,
    keyProvider,
    headers: { ...options.headers },
    retry,
    timeouts,
    retryBudget,
    circuitBreaker,
    concurrency,
    priceTable: options.priceTable ?? DEFAULT_PRICE_TABLE,
    sinks,
    name,
    maxResponseBytes,
    streamUsage: options.streamUsage ?? true,
    fetch: fetchImpl,
    random: options.random ?? Math.random,
    sleep: options.sleep ?? defaultSleep,
    now: options.now ?? (() => performance.now()),
    wallClock: options.wallClock ?? Date.now,
  };
}
