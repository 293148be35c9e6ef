import type { AttemptSuccess } from "./chat-result.js";
import { UpstreamError } from "./errors/upstream-error.js";
import { isObject, scrubKey, str } from "./upstream-response.js";

/** Reads a non-streamed chat completion; a body that is not one is a retryable UpstreamError. */
export function parseCompletion(
  text: string,
  { model, status, key }: { model: string; status: number; key: string },
): AttemptSuccess {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new UpstreamError({
      status,
      model,
      reason: "malformed_body",
      message: `The gateway answered ${status} for model "${model}" with a body that is not JSON (${JSON.stringify(scrubKey(text.slice(0, 80), key))}...). The client retries this; if it persists the base URL may not point at an OpenAI-compatible API.`,
    });
  }
  const choice = isObject(body) && Array.isArray(body.choices) ? body.choices[0] : undefined;
  const message = isObject(choice) ? choice.message : undefined;
  if (!isObject(body) || !isObject(message)) {
    throw new UpstreamError({
      status,
      model,
      reason: "no_choices",
      message: `The gateway answered ${status} for model "${model}" without choices[0].message. The client retries this; check that the base URL is an OpenAI-compatible chat completions API.`,
    });
  }
  const toolCalls = Array.isArray(message.tool_calls)
    ? (message.tool_calls.filter(isObject) as ReadonlyArray<Record<string, unknown>>)
    : undefined;
  return {
    text: typeof message.content === "string" ? message.content : "",
    toolCalls,
    finishReason: str((choice as Record<string, unknown>).finish_reason),
    rawUsage: body.usage,
    servedModel: str(body.model),
    bodyProvider: str(body.provider),
    bodyId: str(body.id),
    headers: undefined as unknown as Headers,
    headersAt: 0,
    bodyCacheHit: body.cache_hit === true || body.cached === true,
  };
}
