import type { GatewayError } from "./errors/gateway-error.js";

/** An OpenAI chat message. Content parts and tool fields pass through untouched. */
export interface ChatMessage {
  role: "system" | "developer" | "user" | "assistant" | "tool";
  content: string | null | ReadonlyArray<Record<string, unknown>>;
  name?: string;
  tool_call_id?: string;
  tool_calls?: ReadonlyArray<Record<string, unknown>>;
}

/**
 * An OpenAI chat-completions request. `model` is tried first, then each of `fallbacks` on retryable failures.
 * Every other field (temperature, max_tokens, response_format, tools, ...) is sent as is.
 */
export interface ChatRequest {
  model: string;
  messages: ReadonlyArray<ChatMessage>;
  fallbacks?: ReadonlyArray<string>;
  [param: string]: unknown;
}

/** Per-call options. */
export interface ChatOptions {
  signal?: AbortSignal;
  /** Overall deadline for this call in ms, retries and fallbacks included. Defaults to `timeouts.deadlineMs`. */
  deadlineMs?: number;
  /** Sent as `Idempotency-Key` and reused across the call's retries. Default: a random UUID per call. */
  idempotencyKey?: string;
  /** Extra request headers for this call (they override client headers). */
  headers?: Record<string, string>;
  /**
   * Extra telemetry label values, e.g. `{ template, template_version }`. Sinks receive them on every event of the
   * call; the Prometheus adapter uses the ones whose names it was created with.
   */
  telemetryLabels?: Record<string, string>;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Prompt tokens served from the provider's prompt cache, when reported. */
  cachedPromptTokens?: number;
}

export interface Cost {
  usd: number;
  /** `gateway`: the gateway reported it in `usage.cost`; `price-table`: computed from the client's price table. */
  source: "gateway" | "price-table";
}

export type FailoverReason = "provider_mismatch" | "model_mismatch" | "provider_changed";

/** Where and how a call was served. Present on every result. */
export interface ProviderMetadata {
  /** `request.model` as the caller asked. */
  requestedModel: string;
  /** The model the answering attempt was sent (differs from `requestedModel` when a fallback answered). */
  attemptedModel: string;
  /** The model the gateway says served the call (`model` in the body), else `attemptedModel`. */
  servedModel: string;
  /** Provider that served it: `x-phaseo-provider` / `x-provider` header, body `provider`, else the model's prefix. */
  provider: string | undefined;
  /** Upstream attempts for the call, across retries and fallbacks. */
  attempts: number;
  fallbackUsed: boolean;
  failover: { detected: boolean; reason?: FailoverReason };
  cacheHit: boolean;
  generationId: string | undefined;
  /** Upstream `x-request-id`. */
  requestId: string | undefined;
  idempotencyKey: string;
  latency: {
    /** Call start to the answering attempt's response headers. */
    ttfbMs: number;
    /** Call start to the first content delta (streams only). */
    firstChunkMs?: number;
    /** Call start to the end of the response. */
    totalMs: number;
  };
  usage: TokenUsage | undefined;
  cost: Cost | undefined;
}

export interface ChatResult {
  text: string;
  message: { role: "assistant"; content: string; tool_calls?: ReadonlyArray<Record<string, unknown>> };
  finishReason: string | undefined;
  usage: TokenUsage | undefined;
  cost: Cost | undefined;
  metadata: ProviderMetadata;
}

export interface ChatDelta {
  type: "delta";
  text: string;
}

/** Iterate for deltas; `result` settles when the stream ends (with the same error the iteration throws). */
export interface ChatStream extends AsyncIterable<ChatDelta> {
  readonly result: Promise<ChatResult>;
  /** Stops the call; iteration ends and `result` rejects with AbortedError. */
  abort(): void;
}

/** Telemetry events, in the order they happen. Sinks must not throw (a throwing sink is ignored). */
export type GatewayEvent =
  | {
      type: "request_start";
      requestId: string;
      model: string;
      stream: boolean;
      labels: Record<string, string> | undefined;
    }
  | {
      type: "attempt_start";
      requestId: string;
      model: string;
      attempt: number;
      stream: boolean;
      labels: Record<string, string> | undefined;
    }
  | {
      type: "attempt_end";
      requestId: string;
      model: string;
      attempt: number;
      outcome: "success" | "error";
      status: number | undefined;
      errorCode: string | undefined;
      durationMs: number;
      labels: Record<string, string> | undefined;
    }
  | {
      type: "retry_scheduled";
      requestId: string;
      model: string;
      /** The attempt that failed. */
      attempt: number;
      delayMs: number;
      reason: RetryReason;
      delaySource: "retry-after" | "backoff" | "key-refresh";
      labels: Record<string, string> | undefined;
    }
  | {
      type: "fallback";
      requestId: string;
      from: string;
      to: string;
      reason: string;
      labels: Record<string, string> | undefined;
    }
  | {
      type: "failover";
      requestId: string;
      attemptedModel: string;
      servedModel: string;
      servedProvider: string | undefined;
      reason: FailoverReason;
      labels: Record<string, string> | undefined;
    }
  | {
      type: "circuit_state";
      /** The `name` of the client whose breaker changed ("" when it has none): clients may share one sink. */
      client: string;
      model: string;
      from: "closed" | "open" | "half-open";
      to: "closed" | "open" | "half-open";
      reason: string;
    }
  | {
      type: "first_chunk";
      requestId: string;
      model: string;
      latencyMs: number;
      labels: Record<string, string> | undefined;
    }
  | {
      type: "request_end";
      requestId: string;
      model: string;
      stream: boolean;
      durationMs: number;
      labels: Record<string, string> | undefined;
      result?: ChatResult;
      error?: GatewayError;
    };

export type RetryReason =
  | "rate_limited"
  | "server_error"
  | "timeout"
  | "connection"
  | "conflict"
  | "incomplete_stream"
  | "invalid_response"
  | "auth_refresh";

export type GatewayEventSink = (event: GatewayEvent) => void;
