import type { Usage } from "./usage.js";

/** Everything needed to write one successful reply, plain or streamed. */
export interface ReplyPlan {
  /** Generation id, `gen_...`; also the completion `id`. */
  id: string;
  created: number;
  model: string;
  provider: string;
  content: string;
  usage: Usage;
}

export function completionBody(plan: ReplyPlan): Record<string, unknown> {
  return {
    id: plan.id,
    object: "chat.completion",
    created: plan.created,
    model: plan.model,
    provider: plan.provider,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: plan.content, refusal: null },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: plan.usage,
  };
}

/**
 * One `chat.completion.chunk`. The first content chunk carries the assistant role so that "K chunks" in the
 * fault grammar always means K chunks with content.
 */
export function completionChunk(
  plan: ReplyPlan,
  choice: { content?: string; role?: boolean; finishReason?: "stop" },
  usage?: Usage,
): Record<string, unknown> {
  const delta: Record<string, string> = {};
  if (choice.role) delta.role = "assistant";
  if (choice.content !== undefined) delta.content = choice.content;
  const chunk: Record<string, unknown> = {
    id: plan.id,
    object: "chat.completion.chunk",
    created: plan.created,
    model: plan.model,
    provider: plan.provider,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: choice.finishReason ?? null }],
  };
  if (usage !== undefined) chunk.usage = usage;
  return chunk;
}
