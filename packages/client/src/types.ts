import type { ItemError, ItemResult, BatchStatus as WireBatchStatus } from "@promptreg/core";

/** One entry of a generated `TemplateMap`: the template's input type and its output type (`string` without a schema). */
export interface TemplateEntry {
  input: unknown;
  output: unknown;
}

/**
 * The shape `promptreg build` generates: `interface TemplateMap { "id@1.2.0": { input: {...}; output: {...} | string } }`.
 * Written as a mapped type over `T` because generated interfaces have no index signature.
 */
export type TemplateMapShape<T> = { [K in keyof T]: TemplateEntry };

/** The default map: any string ref, any JSON object input, unknown output. */
export type AnyTemplateMap = Record<string, { input: Record<string, unknown>; output: unknown }>;

export type TemplateRefOf<TMap> = keyof TMap & string;
export type TemplateInputOf<TMap, K extends keyof TMap> = TMap[K] extends { input: infer I } ? I : never;
export type TemplateOutputOf<TMap, K extends keyof TMap> = TMap[K] extends { output: infer O } ? O : unknown;

/** The exact template version a reference resolved to. */
export interface ResolvedRef {
  id: string;
  version: string;
  /** "sha256:<hex>" of the version's canonical content. */
  hash: string;
}

export interface RenderedMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** `POST /v1/render` */
export interface RenderResponse {
  ref: ResolvedRef;
  messages: RenderedMessage[];
  model: string;
  params: Record<string, unknown>;
  fallbacks?: string[];
  /** The template's output JSON Schema; null or absent when it has none. */
  outputSchema?: Record<string, unknown> | null;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** `POST /v1/run` */
export interface RunResponse<TOutput = unknown> {
  ref: ResolvedRef;
  /** Validated JSON when the template has an output schema, else the text. */
  output: TOutput;
  /** Raw model text of the accepted reply. */
  text: string;
  usage: Usage;
  /** USD; null when unknown. */
  cost: number | null;
  latencyMs: number;
  /** Re-asks the service needed to get output matching the schema. */
  repairs?: number;
  /** Provider metadata (served model, provider, attempts, fallbacks, cache hit, ...). */
  metadata: Record<string, unknown>;
}

export type StreamEvent<TOutput = unknown> =
  | { type: "delta"; text: string }
  /** The reply so far failed the output schema and the service re-asks: discard the text received so far. */
  | { type: "repair"; attempt: number; reason: string }
  | ({ type: "final" } & RunResponse<TOutput>);

/** One example input stored with a template version. */
export interface TemplateExampleView {
  name: string;
  description?: string;
  input: Record<string, unknown>;
}

/** `GET /v1/templates/{id}/versions/{version}`: a version's full definition (Handlebars sources, schemas, examples). */
export interface TemplateVersionDetails {
  id: string;
  version: string;
  description: string;
  owners: string[];
  tags: string[];
  status: "draft" | "published" | "deprecated";
  changelog: string;
  model: { name: string; params: Record<string, unknown>; fallbacks: string[] };
  messages: RenderedMessage[];
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown> | null;
  examples: TemplateExampleView[];
  hash: string;
}

/** `GET /v1/templates/{id}`: the template's versions and labels, and its current (latest published) definition. */
export interface TemplateDetails {
  id: string;
  description: string;
  tags: string[];
  owners: string[];
  versions: string[];
  labels: Record<string, string>;
  latest: string | null;
  current: TemplateVersionDetails | null;
}

export interface CallOptions {
  /** Aborts the request (and, for streams, cancels the HTTP response). */
  signal?: AbortSignal;
}

export interface RunOptions extends CallOptions {
  /**
   * Business dimensions the run's cost and tokens are attributed to, e.g. `{ feature: "search" }`. Each must be
   * declared for this client's key with that value on the service, else the run fails with 422
   * `dimension_not_allowed`. Sent in the signed body.
   */
  dimensions?: Record<string, string>;
}

export interface RetryOptions {
  /** Retries after the first attempt, for 429 and 503 only. Default 2. */
  maxRetries?: number;
  /** Longest single wait. A Retry-After longer than this is not waited for: the error is thrown at once. Default 10 000. */
  maxDelayMs?: number;
  /** First backoff step when the server sends no Retry-After; doubles per retry, full jitter. Default 250. */
  baseDelayMs?: number;
  /** Called before each retry wait, e.g. to log or count retries. */
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  /** 1 for the first retry. */
  attempt: number;
  status: number;
  delayMs: number;
  /** The server's Retry-After in ms, when sent. */
  retryAfterMs: number | undefined;
  path: string;
}

export interface ClientOptions {
  /** Service base URL, e.g. "https://promptreg.internal" or "http://127.0.0.1:3000/prefix". */
  baseUrl: string;
  keyId: string;
  secret: string;
  /** A fetch implementation (default: the global fetch). */
  fetch?: typeof fetch;
  retry?: RetryOptions;
  /** Per attempt: until the full answer for render/run, until the response headers for stream. Default 60 000. */
  timeoutMs?: number;
  /** Extra headers on every request (e.g. a tracing header). Signing headers cannot be overridden. */
  headers?: Record<string, string>;
}

export interface PromptregClient<TMap extends TemplateMapShape<TMap> = AnyTemplateMap> {
  /** Resolves and renders a template without calling a model. */
  render<K extends TemplateRefOf<TMap>>(
    ref: K,
    input: TemplateInputOf<TMap, K>,
    options?: CallOptions,
  ): Promise<RenderResponse>;
  /** Renders, calls the model and returns the validated output. */
  run<K extends TemplateRefOf<TMap>>(
    ref: K,
    input: TemplateInputOf<TMap, K>,
    options?: RunOptions,
  ): Promise<RunResponse<TemplateOutputOf<TMap, K>>>;
  /**
   * Like run, streamed: `delta` events, possibly `repair` events, then one `final` event. The request starts when
   * iteration starts; leaving the loop early (break/return/throw) cancels the HTTP request.
   */
  stream<K extends TemplateRefOf<TMap>>(
    ref: K,
    input: TemplateInputOf<TMap, K>,
    options?: RunOptions,
  ): AsyncIterable<StreamEvent<TemplateOutputOf<TMap, K>>>;
  /** `GET /v1/templates/{id}`: versions, labels and the current definition of one template id (no version part). */
  getTemplate(id: string, options?: CallOptions): Promise<TemplateDetails>;
  /** `GET /v1/templates/{id}/versions/{version}`: one exact version's definition, including its examples. */
  getTemplateVersion(id: string, version: string, options?: CallOptions): Promise<TemplateVersionDetails>;
  /**
   * `POST /v1/batches`: queues many runs at once (the service needs Redis; without it this throws the 501
   * `batches_not_configured` error). Resolves with the batch's status once it is queued.
   */
  submitBatch<K extends TemplateRefOf<TMap>>(
    items: readonly BatchItemInput<TMap, K>[],
    options?: BatchSubmitOptions,
  ): Promise<BatchStatus>;
  /** `GET /v1/batches/{id}`: counts, progress, timings, tokens and cost so far. */
  getBatch(id: string, options?: CallOptions): Promise<BatchStatus>;
  /** `DELETE /v1/batches/{id}`: cancels the items not started; answers the status after the cancel. */
  cancelBatch(id: string, options?: CallOptions): Promise<BatchStatus>;
  /** `GET /v1/batches/{id}/results`: one page of item results in submission order. */
  getBatchResults(id: string, options?: BatchResultsOptions): Promise<BatchResultsPage>;
  /** Every item result in order, page after page (`pageSize` items per request, default 500). */
  batchResults(id: string, options?: CallOptions & { pageSize?: number }): AsyncIterable<BatchItemResult>;
}

/** One item of a batch: a reference, its input (typed by the TemplateMap) and metadata echoed in its result. */
export interface BatchItemInput<
  TMap extends TemplateMapShape<TMap> = AnyTemplateMap,
  K = TemplateRefOf<TMap>,
> {
  ref: K;
  input: K extends TemplateRefOf<TMap> ? TemplateInputOf<TMap, K> : Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

export interface BatchSubmitOptions extends RunOptions {
  /** `high` batches' waiting items are taken before `normal` (default) and `low` ones. */
  priority?: "high" | "normal" | "low";
  /** Called with a signed POST when the batch finishes. */
  callbackUrl?: string;
}

export interface BatchResultsOptions extends CallOptions {
  /** `nextCursor` of the previous page; omit for the first. */
  cursor?: string;
  /** Items per page, 1..1000 (default 100). */
  limit?: number;
}

/** `GET /v1/batches/{id}`: the shapes are the service's own, from @promptreg/core. */
export type BatchStatus = WireBatchStatus;
/** A failed item's error: the same `code` and `type` as the run would have answered on `/v1/run`. */
export type BatchItemError = ItemError;
export type BatchItemResult = ItemResult;

export interface BatchResultsPage {
  items: BatchItemResult[];
  nextCursor: string | null;
}
