import { createParser, type EventSourceMessage } from "eventsource-parser";
import { errorFields, readServerError } from "./error-from-response.js";
import { IncompleteStreamError } from "./errors/incomplete-stream-error.js";
import { InvalidResponseError } from "./errors/invalid-response-error.js";
import { RequestAbortedError } from "./errors/request-aborted-error.js";
import { StreamError } from "./errors/stream-error.js";
import { isRunResponse } from "./response-shapes.js";
import type { RunResponse, StreamEvent } from "./types.js";

function parseData(message: EventSourceMessage, requestId: string | undefined): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(message.data);
    if (typeof value === "object" && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // fall through to the typed error below
  }
  throw new InvalidResponseError({
    type: "invalid_response",
    code: "invalid_event",
    message: `Stream event "${message.event ?? "message"}" carried data that is not a JSON object (${message.data.length} bytes).`,
    ...(requestId ? { requestId } : {}),
  });
}

/**
 * Turns the service's SSE frames into events. Frames: `event: delta` `{text}`, `event: repair` `{attempt, reason}`,
 * `event: final` (the run response, or `{result: <run response>}`), `event: error` (the error body). Frames without
 * an `event:` line are read by their `type` field; unknown event names (e.g. keep-alive pings) are skipped.
 */
export async function* readRunEvents<TOutput>(options: {
  body: ReadableStream<Uint8Array>;
  requestId: string | undefined;
  callerSignal: AbortSignal | undefined;
}): AsyncGenerator<StreamEvent<TOutput>, void, undefined> {
  const { body, requestId, callerSignal } = options;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => pending.push(message) });
  let partialText = "";
  const context = requestId ? { requestId } : {};

  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch (error) {
      if (callerSignal?.aborted) {
        throw new RequestAbortedError({
          type: "aborted",
          code: "aborted",
          message: "The stream was aborted by the caller's AbortSignal.",
          cause: callerSignal.reason,
        });
      }
      throw new IncompleteStreamError({
        message: `The stream broke off before its final event (${partialText.length} characters received). Retry the call.`,
        partialText,
        ...context,
        cause: error,
      });
    }
    if (chunk.done) {
      parser.feed(decoder.decode());
      parser.feed("\n\n");
    } else {
      parser.feed(decoder.decode(chunk.value, { stream: true }));
    }
    while (pending.length > 0) {
      const message = pending.shift()!;
      if (message.data === "[DONE]") continue;
      const data = parseData(message, requestId);
      const name = message.event ?? (typeof data.type === "string" ? data.type : "message");
      if (name === "delta") {
        const text = typeof data.text === "string" ? data.text : "";
        partialText += text;
        yield { type: "delta", text };
      } else if (name === "repair") {
        partialText = "";
        yield {
          type: "repair",
          attempt: typeof data.attempt === "number" ? data.attempt : 0,
          reason: typeof data.reason === "string" ? data.reason : "",
        };
      } else if (name === "final") {
        const result = typeof data.result === "object" && data.result !== null ? data.result : data;
        if (!isRunResponse(result)) {
          throw new InvalidResponseError({
            type: "invalid_response",
            code: "invalid_final_event",
            message: "The final stream event is not a run response (needs ref, text, usage).",
            ...context,
          });
        }
        const { type: _type, ...rest } = result as RunResponse<TOutput> & { type?: unknown };
        yield { type: "final", ...(rest as RunResponse<TOutput>) };
        return;
      } else if (name === "error") {
        const fields = errorFields({
          parsed: readServerError(data),
          status: undefined,
          fallbackType: "stream_error",
          fallbackCode: "stream_error",
          fallbackMessage: "the service reported an error mid-stream",
          headerRequestId: requestId,
        });
        fields.message = `The stream failed: ${fields.message}`;
        throw new StreamError(fields);
      }
    }
    if (chunk.done) {
      throw new IncompleteStreamError({
        message: `The stream ended without a final event (${partialText.length} characters received). The service or a proxy closed it early; retry the call.`,
        partialText,
        ...context,
      });
    }
  }
}
