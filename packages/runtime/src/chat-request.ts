import type { ChatMessage, ChatRequest } from "@promptreg/gateway";
import type { RenderResult } from "@promptreg/renderer";

/** OpenAI limits json_schema names to [a-zA-Z0-9_-]{1,64}. */
function schemaName(id: string): string {
  return id.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64) || "output";
}

/** The gateway request for a rendered template: the output schema travels as a strict json_schema response format. */
export function buildChatRequest(rendered: RenderResult): ChatRequest {
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

/** The conversation of a repair call: what was asked, the reply that failed, and the validation problem. */
export function repairMessages({
  messages,
  reply,
  problem,
}: {
  messages: ReadonlyArray<ChatMessage>;
  reply: string;
  problem: string;
}): ChatMessage[] {
  return [
    ...messages,
    { role: "assistant", content: reply },
    {
      role: "user",
      content: `Your previous reply did not satisfy the required JSON schema:\n${problem}\nReply again with only the corrected JSON value, no prose and no code fence.`,
    },
  ];
}
