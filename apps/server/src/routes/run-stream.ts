import type { ServerResponse } from "node:http";
import {
  createRenderPipeline,
  createRunPipeline,
  type GatewayPort,
  type RenderPipeline,
  type RenderRequest,
  type RunEvent,
  type RunPipeline,
  type RunRequest,
  type RunResult,
} from "@promptreg/runtime";
import { NotReadyError } from "../errors/not-ready-error.js";
import type { ServerError } from "../errors/server-error.js";
import { type RequestState, requestState } from "../http/request-state.js";
import { errorBody } from "../http/send-error.js";
import { openSse, type SseWriter } from "../http/sse.js";
import type { ErrorMapper } from "../http/to-server-error.js";
import type { LoadedRegistry, RegistryHolder } from "../logic/registry-holder.js";
import type { Lifecycle } from "./operations.js";
import { requireRegistry } from "./require-registry.js";
import { recordTemplate, recordUpstream, requireGateway } from "./run-context.js";

/** What `/v1/run` and the OpenAI facade share: where templates and the gateway come from, and the run limits. */
export interface RenderRunOptions {
  registry: RegistryHolder;
  gateway: () => GatewayPort | undefined;
  repairAttempts: number;
  /** GATEWAY_DEADLINE_MS: a model call never gets more than this, even with more of the request's budget left. */
  gatewayDeadlineMs?: number | undefined;
  errorMappers: ErrorMapper[];
  onRepair?: (event: { templateId: string; outcome: "attempt" | "exhausted" }) => void;
  lifecycle?: Lifecycle;
  /** Every declared cost-attribution dimension (the cost metrics' extra labels). */
  dimensionNames?: readonly string[];
}

/** One request's run: the pipeline over the registry and gateway serving now, and the pipeline's request. */
export interface PreparedRun {
  pipeline: RunPipeline;
  request: RunRequest;
}

/** The pipeline of each registry serving (per options object), rebuilt only when the registry or gateway changes. */
const pipelines = new WeakMap<
  RenderRunOptions,
  { loaded: object; gateway: GatewayPort; pipeline: RunPipeline }
>();

/**
 * The run pipeline over the registry and gateway serving now. A pipeline holds no per-request state, so one per
 * (registry, gateway) pair serves every request until a reload or a new gateway replaces it; before, every run
 * built its own.
 */
function pipelineFor(options: RenderRunOptions): RunPipeline {
  const loaded = requireRegistry(options.registry);
  const gateway = requireGateway(options.gateway());
  const cached = pipelines.get(options);
  if (cached && cached.loaded === loaded && cached.gateway === gateway) return cached.pipeline;
  const pipeline = createRunPipeline({
    registry: loaded.registry,
    renderer: loaded.renderer,
    gateway,
    repairAttempts: options.repairAttempts,
    callDeadlineMs: options.gatewayDeadlineMs,
    onRepair: options.onRepair,
  });
  pipelines.set(options, { loaded, gateway, pipeline });
  return pipeline;
}

/** The render-only pipeline of each loaded registry; a reload brings a new `LoadedRegistry` and so a new pipeline. */
const renderPipelines = new WeakMap<LoadedRegistry, RenderPipeline>();

/**
 * `POST /v1/render`'s side of the pipeline: resolves the reference once (recorded for the log line and stats, as a
 * run does) and returns the render request carrying that version. No gateway is needed, so a service without one
 * still renders.
 */
export function prepareRender(
  res: ServerResponse,
  holder: RegistryHolder,
  { ref, input }: { ref: string; input: unknown },
): { pipeline: RenderPipeline; request: RenderRequest } {
  const loaded = requireRegistry(holder);
  let pipeline = renderPipelines.get(loaded);
  if (!pipeline) {
    pipeline = createRenderPipeline(loaded);
    renderPipelines.set(loaded, pipeline);
  }
  const version = pipeline.resolve(ref);
  recordTemplate(res, version);
  return { pipeline, request: { version, input } };
}

/**
 * Resolves the request's template once (recorded for its log line and stats) and hands the run pipeline the
 * request's cancellation signal and its one absolute deadline; the pipeline never sees `res`.
 */
export function prepareRun(
  res: ServerResponse,
  options: RenderRunOptions,
  { ref, input }: { ref: string; input: unknown },
): PreparedRun {
  const pipeline = pipelineFor(options);
  const version = pipeline.resolve(ref);
  recordTemplate(res, version);
  const state = requestState(res);
  return { pipeline, request: { version, input, signal: state.abort.signal, deadlineAt: state.deadlineAt } };
}

/** A plain (non-streamed) run whose provider, tokens and cost land in the request's log line and stats. */
export async function runOnce(res: ServerResponse, { pipeline, request }: PreparedRun): Promise<RunResult> {
  const result = await pipeline.run(request);
  recordUpstream(res, result);
  return result;
}

/**
 * Streams a run as Server-Sent Events. The first event is pulled before committing to a 200, so render errors,
 * 404s and upstream failures before the first token still get a normal JSON error with the right status. After
 * that the headers are gone: a failure becomes a typed error frame (never a silent clean end), a client that
 * leaves stops the upstream call, and the drain timeout of a shutdown ends the stream with `shutting_down`.
 */
export async function streamRun(
  res: ServerResponse,
  { pipeline, request }: PreparedRun,
  {
    lifecycle,
    convert,
    errorEvent,
    send,
  }: {
    lifecycle: Lifecycle | undefined;
    convert: (error: unknown) => ServerError;
    /** Event name of error frames; `undefined` for the OpenAI facade, whose frames carry no event name. */
    errorEvent: string | undefined;
    /** Writes one run event in the endpoint's own frame format (the final result is already recorded). */
    send: (sse: SseWriter, event: RunEvent) => void;
  },
): Promise<void> {
  const state = requestState(res);
  const events = pipeline.stream(request);
  const first = await events.next();
  const sse = openSse(res);
  const stop = shutdownCloser({ sse, state, lifecycle, event: errorEvent });
  try {
    let next = first;
    let flushed = false;
    while (!next.done) {
      if (next.value.type === "final") recordUpstream(res, next.value.result);
      send(sse, next.value);
      if (!sse.open) break;
      // The headers and the first frame leave now, in one write (openSse): not at the end of the tick, which for an
      // upstream burst (several deltas, or the whole answer, in one read) comes only after the rest of it is
      // processed. If the endpoint wrote nothing for this event, the headers leave alone.
      if (!flushed) {
        sse.flush();
        flushed = true;
      }
      next = await events.next();
    }
  } catch (thrown) {
    // A cancelled stream surfaces as whatever the aborted call threw; the abort reason says what really happened.
    const reason = state.abort.signal.aborted ? state.abort.signal.reason : undefined;
    const error = convert(reason ?? thrown);
    state.error = error;
    sse.send(errorEvent, errorBody(error, state.requestId));
  } finally {
    stop();
    if (!sse.open) await events.return(undefined);
    sse.end();
  }
}

/**
 * Registers the stream with the lifecycle so the drain timeout can end it with a typed error frame; returns the
 * unregister function.
 */
export function shutdownCloser({
  sse,
  state,
  lifecycle,
  event,
}: {
  sse: { send(event: string | undefined, data: unknown): void; end(): void };
  state: RequestState;
  lifecycle: Lifecycle | undefined;
  event: string | undefined;
}): () => void {
  if (!lifecycle) return () => {};
  const close = () => {
    const error = new NotReadyError({
      what: "it is shutting down; retry the call, another instance will take it",
      code: "shutting_down",
    });
    state.error = error;
    sse.send(event, errorBody(error, state.requestId));
    sse.end();
    // The response is finished, so the disconnect hook will not fire: cancel the upstream call here.
    state.abort.abort(error);
  };
  lifecycle.openStreams.add(close);
  return () => lifecycle.openStreams.delete(close);
}
