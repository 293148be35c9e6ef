import { InvalidConfigError } from "./errors/invalid-config-error.js";
import type { ChatOptions, ChatRequest } from "./types.js";

export function validateRequest(request: ChatRequest, options: ChatOptions): void {
  if (typeof request !== "object" || request === null) {
    throw new InvalidConfigError({ path: "request", problem: "missing", fix: "Pass { model, messages }." });
  }
  if (typeof request.model !== "string" || request.model.trim() === "") {
    throw new InvalidConfigError({
      path: "request.model",
      problem: `expected a non-empty model name, got ${JSON.stringify(request.model)}`,
      fix: 'Name the model as the gateway expects, e.g. "openai/gpt-4o-mini".',
    });
  }
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    throw new InvalidConfigError({
      path: "request.messages",
      problem: "expected a non-empty array of messages",
      fix: 'Pass at least one message, e.g. [{ role: "user", content: "Hi" }].',
    });
  }
  if (
    request.fallbacks !== undefined &&
    (!Array.isArray(request.fallbacks) || request.fallbacks.some((m) => typeof m !== "string" || m === ""))
  ) {
    throw new InvalidConfigError({
      path: "request.fallbacks",
      problem: "expected an array of model names",
      fix: 'Pass e.g. ["anthropic/claude-3-5-haiku"], or leave it out.',
    });
  }
  if (
    options.deadlineMs !== undefined &&
    !(typeof options.deadlineMs === "number" && options.deadlineMs > 0)
  ) {
    throw new InvalidConfigError({
      path: "options.deadlineMs",
      problem: `expected a positive number of milliseconds, got ${JSON.stringify(options.deadlineMs)}`,
      fix: "Pass e.g. { deadlineMs: 30000 } or leave it out for timeouts.deadlineMs.",
    });
  }
}

const STREAM_USAGE = { include_usage: true };

/** The wire body for one model of the chain: the request without `fallbacks`, with `stream` set to match the call. */
export function serializeRequest(
  request: ChatRequest,
  { model, stream, streamUsage }: { model: string; stream: boolean; streamUsage: boolean },
): string {
  // The common case, a plain call to the requested model without fallbacks, is the request as it is.
  if (request.fallbacks === undefined && request.model === model) {
    if (!stream) {
      if (request.stream !== true) return JSON.stringify(request);
    } else if (request.stream_options !== undefined || !streamUsage) {
      return JSON.stringify({ ...request, stream: true });
    } else {
      return JSON.stringify({ ...request, stream: true, stream_options: STREAM_USAGE });
    }
  }
  const { fallbacks: _fallbacks, ...params } = request;
  const payload: Record<string, unknown> = { ...params, model };
  if (stream) {
    payload.stream = true;
    if (streamUsage && payload.stream_options === undefined) payload.stream_options = { include_usage: true };
  } else if (payload.stream === true) {
    payload.stream = false;
  }
  return JSON.stringify(payload);
}
