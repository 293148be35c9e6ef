import {
  type ChatOptions,
  type ChatRequest,
  type ChatResult,
  type ChatStream,
  IncompleteStreamError,
  type ProviderMetadata,
  TimeoutError,
} from "@promptreg/gateway";
import type { TemplateVersion } from "@promptreg/registry";
import { type OutputValidationError, validateOutput } from "@promptreg/renderer";
import { buildChatRequest, repairMessages } from "./chat-request.js";
import { RunDeadlineError } from "./errors/run-deadline-error.js";
import { RunOutputInvalidError } from "./errors/run-output-invalid-error.js";
import { createRenderPipeline, type RenderPipeline, type RenderPipelineOptions } from "./render-pipeline.js";

/** The part of `GatewayClient` the pipeline uses; tests pass a fake. */
export interface GatewayPort {
  chat(request: ChatRequest, options?: ChatOptions): Promise<ChatResult>;
  chatStream(request: ChatRequest, options?: ChatOptions): ChatStream;
}

export interface RunUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface RunResult {
  ref: { id: string; version: string; hash: string };
  /** Validated JSON when the template has an output schema, else the text. */
  output: unknown;
  text: string;
  /** Summed over the first call and any repair calls. */
  usage: RunUsage;
  /** USD summed over all calls; null when any call's cost is unknown. */
  cost: number | null;
  latencyMs: number;
  repairs: number;
  metadata: ProviderMetadata;
}

export type RunEvent =
  | { type: "delta"; text: string }
  | { type: "repair"; attempt: number; reason: string }
  | { type: "final"; result: RunResult };

/** One run: the version resolved once by `pipeline.resolve`, its input, and the caller's cancellation and deadline. */
export interface RunRequest {
  version: TemplateVersion;
  input: unknown;
  /** Cancels the model call in flight (client gone, shutdown); the gateway throws its `AbortedError`. */
  signal?: AbortSignal | undefined;
  /**
   * The one absolute deadline of the whole run, in the pipeline clock's milliseconds (epoch ms by default): every
   * model call, the first and each repair, gets only what is left of it.
   */
  deadlineAt: number;
  /**
   * Sent as the gateway call's `Idempotency-Key` (repair calls get `<key>:repair-<n>`), so a run retried after its
   * worker died asks the gateway the same questions under the same keys. Default: a fresh key per call.
   */
  idempotencyKey?: string | undefined;
}

export interface RunPipelineOptions extends RenderPipelineOptions {
  gateway: GatewayPort;
  /** Re-asks allowed after an output that fails the schema (0 disables repair). */
  repairAttempts: number;
  /** The most one model call may take even when more of the run's deadline is left (GATEWAY_DEADLINE_MS). */
  callDeadlineMs?: number | undefined;
  /** Called for each re-ask (`attempt`) and when the attempts are used up (`exhausted`); feeds a metric. */
  onRepair?: ((event: { templateId: string; outcome: "attempt" | "exhausted" }) => void) | undefined;
  /** The clock `deadlineAt` and `latencyMs` are measured on. Default `Date.now`. */
  now?: () => number;
}

/** The whole pipeline: the render-only entry (`resolve`, `render`) plus the model call. */
export interface RunPipeline extends RenderPipeline {
  /**
   * Validates the input, renders, calls the gateway, validates the output and re-asks up to `repairAttempts` times.
   * Throws the renderer's `InputValidationError`/`MissingVariableError`/`RenderError`, the gateway's errors,
   * `RunOutputInvalidError` and `RunDeadlineError`.
   */
  run(request: RunRequest): Promise<RunResult>;
  /**
   * The streaming form: deltas of the first call, `repair` markers, then one `final` event with the validated
   * output; the same errors as `run`, thrown from the iteration. Rendering happens at the first `next()`, so
   * an adapter can pull the first event before it commits to a response.
   */
  stream(request: RunRequest): AsyncGenerator<RunEvent, void, undefined>;
}

class Totals {
  promptTokens = 0;
  completionTokens = 0;
  totalTokens = 0;
  cost: number | null = 0;

  add(result: ChatResult): void {
    this.promptTokens += result.usage?.promptTokens ?? 0;
    this.completionTokens += result.usage?.completionTokens ?? 0;
    this.totalTokens += result.usage?.totalTokens ?? 0;
    this.cost = this.cost === null || result.cost === undefined ? null : this.cost + result.cost.usd;
  }

  usage(): RunUsage {
    return {
      promptTokens: this.promptTokens,
      completionTokens: this.completionTokens,
      totalTokens: this.totalTokens,
    };
  }
}

type Verdict = { ok: true; value: unknown } | { ok: false; error: OutputValidationError };

function check(version: TemplateVersion, text: string): Verdict {
  if (!version.output) return { ok: true, value: text };
  return validateOutput(version, text);
}

export function createRunPipeline(options: RunPipelineOptions): RunPipeline {
  const { gateway, repairAttempts, callDeadlineMs, onRepair, now = Date.now } = options;
  const rendering = createRenderPipeline(options);

  /**
   * What is left of the run's deadline for the next call, capped per call; throws once nothing is left. `runBound`
   * says whether the run's deadline (not the per-call cap) is the one the gateway will enforce on this call.
   */
  function callOptions(
    request: RunRequest,
    base: ChatOptions,
    attempts: number,
  ): { options: ChatOptions; runBound: boolean } {
    const left = request.deadlineAt - now();
    if (!(left > 0)) throw deadlineError(request, { attempts, cutCall: false });
    const cap = callDeadlineMs ?? Number.POSITIVE_INFINITY;
    const key = request.idempotencyKey;
    return {
      options: {
        ...base,
        deadlineMs: Math.min(left, cap),
        ...(key === undefined ? {} : { idempotencyKey: attempts === 0 ? key : `${key}:repair-${attempts}` }),
      },
      runBound: left <= cap,
    };
  }

  function deadlineError(
    request: RunRequest,
    { attempts, cutCall, cause }: { attempts: number; cutCall: boolean; cause?: unknown },
  ): RunDeadlineError {
    return new RunDeadlineError({
      templateId: request.version.id,
      version: request.version.version,
      deadlineAt: request.deadlineAt,
      attempts,
      cutCall,
      cause,
    });
  }

  /**
   * The one rule for "the deadline passed": when the deadline the gateway enforced on a call was the run's own
   * (what was left of `deadlineAt`, not the shorter per-call cap), its overall timeout, or a stream it cut at that
   * deadline, is the run's deadline passing and becomes `RunDeadlineError`, exactly as when the deadline passes
   * between calls. Everything else (attempt and idle timeouts, the per-call cap, upstream failures) passes through.
   * The rule looks at which limit bound the call, never at the clock, so the same failure always gets the same code.
   */
  function asRunError(
    error: unknown,
    { request, attempts, runBound }: { request: RunRequest; attempts: number; runBound: boolean },
  ): unknown {
    const deadlinePassed =
      (TimeoutError.isInstance(error) && error.deadline === "overall") ||
      (IncompleteStreamError.isInstance(error) && error.reason === "deadline");
    return runBound && deadlinePassed
      ? deadlineError(request, { attempts, cutCall: true, cause: error })
      : error;
  }

  async function* events(request: RunRequest, streamed: boolean): AsyncGenerator<RunEvent, void, undefined> {
    const { version, signal } = request;
    const started = now();
    const rendered = rendering.render(request);
    const chat = buildChatRequest(rendered);
    const base: ChatOptions = {
      signal,
      telemetryLabels: { template: version.id, template_version: version.version },
    };
    const totals = new Totals();

    let result: ChatResult;
    const first = callOptions(request, base, 0);
    try {
      if (streamed) {
        const stream = gateway.chatStream(chat, first.options);
        try {
          for await (const delta of stream) yield { type: "delta", text: delta.text };
        } finally {
          // A consumer that stops early (client gone) must not leave the upstream call running.
          if (signal?.aborted) stream.abort();
        }
        result = await stream.result;
      } else {
        result = await gateway.chat(chat, first.options);
      }
    } catch (error) {
      throw asRunError(error, { request, attempts: 1, runBound: first.runBound });
    }
    totals.add(result);

    let verdict = check(version, result.text);
    let repairs = 0;
    let messages = chat.messages;
    while (!verdict.ok && repairs < repairAttempts) {
      const call = callOptions(request, base, repairs + 1);
      repairs++;
      onRepair?.({ templateId: version.id, outcome: "attempt" });
      yield { type: "repair", attempt: repairs, reason: verdict.error.kind };
      messages = repairMessages({ messages, reply: result.text, problem: verdict.error.message });
      try {
        result = await gateway.chat({ ...chat, messages }, call.options);
      } catch (error) {
        throw asRunError(error, { request, attempts: repairs + 1, runBound: call.runBound });
      }
      totals.add(result);
      verdict = check(version, result.text);
    }
    if (!verdict.ok) {
      onRepair?.({ templateId: version.id, outcome: "exhausted" });
      throw new RunOutputInvalidError({ error: verdict.error, attempts: repairs + 1, text: result.text });
    }
    yield {
      type: "final",
      result: {
        ref: rendered.ref,
        output: verdict.value,
        text: result.text,
        usage: totals.usage(),
        cost: totals.cost,
        latencyMs: now() - started,
        repairs,
        metadata: result.metadata,
      },
    };
  }

  return {
    resolve: rendering.resolve,
    render: rendering.render,
    async run(request) {
      for await (const event of events(request, false)) {
        if (event.type === "final") return event.result;
      }
      // events() either yields a final event or throws; reaching here is a bug in this file.
      throw new Error("run ended without a result");
    },
    stream: (request) => events(request, true),
  };
}
