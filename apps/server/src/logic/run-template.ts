import type {
  ChatMessage,
  ChatOptions,
  ChatRequest,
  ChatResult,
  ChatStream,
  ProviderMetadata,
} from "@promptreg/gateway";
import { OutputInvalidError } from "../errors/output-invalid-error.js";
import type { RendererPort, RenderOutput } from "./ports.js";

/** The part of `GatewayClient` the service uses. */
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
  ref: RenderOutput["ref"];
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

export interface RunOptions {
  renderer: RendererPort;
  gateway: GatewayPort;
  ref: string;
  input: unknown;
  /** Re-asks allowed after an output that fails the schema (0 disables repair). */
  repairAttempts: number;
  signal?: AbortSignal;
  deadlineMs?: number;
  /** Called once the template is rendered (the route records the resolved version for logs). */
  onRendered?: (rendered: RenderOutput) => void;
  /** Called for each re-ask (`attempt`) and when the attempts are used up (`exhausted`); feeds a metric. */
  onRepair?: (event: { templateId: string; outcome: "attempt" | "exhausted" }) => void;
  now?: () => number;
}

/** OpenAI limits json_schema names to [a-zA-Z0-9_-]{1,64}. */
function schemaName(id: string): string {
  return id.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64) || "output";
}

/** The gateway request for a rendered template: the output schema travels as a strict json_schema response format. */
export function buildChatRequest(rendered: RenderOutput): ChatRequest {
  const request: ChatRequest = {
    ...rendered.params,
    model: rendered.model,
    messages: rendered.messages.map((message) => ({ role: message.role, content: message.content })),
  };
  if (rendered.fallbacks.length > 0) request.fallbacks = rendered.fallbacks;
  if (rendered.outputSchema) {
    request.response_format = {
      type: "json_schema",
      json_schema: { name: schemaName(rendered.ref.id), schema: rendered.outputSchema, strict: true },
    };
  }
  return request;
}

function repairMessages(request: ChatRequest, text: string, problem: string): ChatMessage[] {
  return [
    ...request.messages,
    { role: "assistant", content: text },
    {
      role: "user",
      content: `Your previous reply did not satisfy the required JSON schema:\n${problem}\nReply again with only the corrected JSON value, no prose and no code fence.`,
    },
  ];
}

class Accumulator {
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

type Check =
  | { ok: true; value: unknown }
  | { ok: false; problem: string; reason: string; issues: readonly unknown[] };

function check(renderer: RendererPort, rendered: RenderOutput, text: string): Check {
  if (!rendered.outputSchema) return { ok: true, value: text };
  const exact = `${rendered.ref.id}@${rendered.ref.version}`;
  const parsed = renderer.parseOutput(exact, text);
  if (parsed.ok) return parsed;
  const error = parsed.error as Error & { kind?: string; issues?: readonly unknown[] };
  return { ok: false, problem: error.message, reason: error.kind ?? "invalid", issues: error.issues ?? [] };
}

/**
 * Renders, calls the gateway, validates the output and re-asks up to `repairAttempts` times with the validation
 * errors. Framework-free: the HTTP routes and the OpenAI facade both drive it.
 */
export async function runTemplate(options: RunOptions): Promise<RunResult> {
  let final: RunResult | undefined;
  for await (const event of runTemplateEvents({ ...options, stream: false })) {
    if (event.type === "final") final = event.result;
  }
  if (!final) throw new Error("run ended without a result");
  return final;
}

/** Streaming form: deltas of the first call, `repair` markers, then one `final` event with the validated output. */
export function streamTemplate(options: RunOptions): AsyncGenerator<RunEvent> {
  return runTemplateEvents({ ...options, stream: true });
}

async function* runTemplateEvents(options: RunOptions & { stream: boolean }): AsyncGenerator<RunEvent> {
  const { renderer, gateway, ref, input, repairAttempts, signal, deadlineMs, now = Date.now } = options;
  const started = now();
  const rendered = renderer.render(ref, input);
  options.onRendered?.(rendered);
  const request = buildChatRequest(rendered);
  const callOptions: ChatOptions = {
    signal,
    deadlineMs,
    telemetryLabels: { template: rendered.ref.id, template_version: rendered.ref.version },
  };
  const totals = new Accumulator();

  let result: ChatResult;
  if (options.stream) {
    const stream = gateway.chatStream(request, callOptions);
    try {
      for await (const delta of stream) yield { type: "delta", text: delta.text };
    } finally {
      // A consumer that stops early (client gone) must not leave the upstream call running.
      if (signal?.aborted) stream.abort();
    }
    result = await stream.result;
  } else {
    result = await gateway.chat(request, callOptions);
  }
  totals.add(result);

  let verdict = check(renderer, rendered, result.text);
  let repairs = 0;
  let messages = request.messages;
  while (!verdict.ok && repairs < repairAttempts) {
    repairs++;
    options.onRepair?.({ templateId: rendered.ref.id, outcome: "attempt" });
    yield { type: "repair", attempt: repairs, reason: verdict.reason };
    messages = repairMessages({ ...request, messages }, result.text, verdict.problem);
    result = await gateway.chat({ ...request, messages }, callOptions);
    totals.add(result);
    verdict = check(renderer, rendered, result.text);
  }
  if (!verdict.ok) {
    options.onRepair?.({ templateId: rendered.ref.id, outcome: "exhausted" });
    throw new OutputInvalidError({
      templateId: rendered.ref.id,
      version: rendered.ref.version,
      attempts: repairs + 1,
      reason: verdict.reason,
      detail: verdict.problem,
      issues: verdict.issues,
      text: result.text,
    });
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
