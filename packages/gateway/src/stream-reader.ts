import { StringDecoder } from "node:string_decoder";
import { createParser } from "eventsource-parser";
import type { CallContext } from "./call-context.js";
import type { AttemptSuccess } from "./chat-result.js";
import { type ClientCore, emit } from "./client-core.js";
import type { IncompleteReason } from "./errors/incomplete-stream-error.js";
import type { GatewayErrorBody } from "./errors/upstream-error.js";
import { finishToolCall, mergeToolCallDeltas, type ToolCallDraft } from "./tool-call-deltas.js";
import type { UpstreamReply } from "./transport.js";
import { isObject, parseErrorBody, scrubKey, str } from "./upstream-response.js";

/**
 * A stream fault found while parsing; classified into IncompleteStreamError by the attempt. Internal control flow,
 * never thrown out of the package (not in index.ts), so not a PromptregBaseError.
 */
export class StreamFault extends Error {
  constructor(
    readonly reason: IncompleteReason,
    readonly detail: string,
    readonly body?: GatewayErrorBody,
  ) {
    super(detail);
  }
}

/** Text and usage read so far, kept by the attempt so that a failure can report them. */
export interface StreamProgress {
  text: string;
  rawUsage: unknown;
}

/** Something told about every chunk read, so a stalled body is noticed (the idle deadline). */
export interface ActivityWatch {
  refresh(): void;
}

/**
 * Reads an SSE chat-completions stream: pushes content deltas to the call's channel, merges tool-call fragments and
 * keeps model, provider, id, cache and usage from the frames. Throws a StreamFault on a malformed frame, an in-band
 * error or a body that ends without `[DONE]` or a finish reason.
 */
export async function readStream(
  core: ClientCore,
  ctx: CallContext,
  {
    model,
    response,
    idleTimer,
    progress,
    key,
  }: {
    model: string;
    response: UpstreamReply;
    idleTimer: ActivityWatch;
    progress: StreamProgress;
    key: string;
  },
): Promise<AttemptSuccess> {
  const channel = ctx.channel!;
  const { config } = core;
  let done = false;
  let fault: StreamFault | undefined;
  let finishReason: string | undefined;
  let servedModel: string | undefined;
  let bodyProvider: string | undefined;
  let bodyId: string | undefined;
  let cacheHit = false;
  let toolCalls: ToolCallDraft[] | undefined;
  const parser = createParser({
    onEvent: (event) => {
      if (done || fault) return;
      const data = event.data;
      if (data === "[DONE]") {
        done = true;
        return;
      }
      let chunk: unknown;
      try {
        chunk = JSON.parse(data);
      } catch {
        fault = new StreamFault("malformed", `frame is not JSON: ${scrubKey(data.slice(0, 80), key)}`);
        return;
      }
      if (!isObject(chunk)) {
        fault = new StreamFault("malformed", "frame is not a JSON object");
        return;
      }
      if (chunk.error !== undefined && chunk.error !== null) {
        const body = parseErrorBody(JSON.stringify(chunk), key);
        fault = new StreamFault("inband_error", body?.message ?? "error frame", body);
        return;
      }
      servedModel = str(chunk.model) ?? servedModel;
      bodyProvider = str(chunk.provider) ?? bodyProvider;
      bodyId = str(chunk.id) ?? bodyId;
      if (chunk.cache_hit === true || chunk.cached === true) cacheHit = true;
      if (chunk.usage !== undefined && chunk.usage !== null) progress.rawUsage = chunk.usage;
      const choices = chunk.choices;
      if (Array.isArray(choices) && choices.length > 0 && isObject(choices[0])) {
        const choice = choices[0];
        const delta = choice.delta;
        if (isObject(delta) && typeof delta.content === "string" && delta.content !== "") {
          progress.text += delta.content;
          if (ctx.firstChunkAt === undefined) {
            ctx.firstChunkAt = config.now();
            if (core.observed) {
              emit(core, {
                type: "first_chunk",
                requestId: ctx.idempotencyKey,
                model,
                latencyMs: ctx.firstChunkAt - ctx.startedAt,
                labels: ctx.labels,
              });
            }
          }
          channel.push(delta.content);
        }
        if (isObject(delta) && Array.isArray(delta.tool_calls)) {
          toolCalls ??= [];
          mergeToolCallDeltas(toolCalls, delta.tool_calls);
        }
        const finish = str(choice.finish_reason);
        if (finish) finishReason = finish;
      }
    },
  });
  const reader = response.body;
  if (!reader) throw new StreamFault("cut", "the response has no body");
  // StringDecoder, not TextDecoder: the same UTF-8 handling across chunk boundaries at a tenth of the set-up cost
  // (about 0.5 µs vs 4 µs per stream). TextDecoder also drops a leading byte order mark, so that is done by hand.
  const decoder = new StringDecoder("utf8");
  let atStart = true;
  let released = false;
  let bytes = 0;
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) {
        released = true;
        break;
      }
      idleTimer.refresh();
      bytes += chunk.value.byteLength;
      if (bytes > config.maxResponseBytes) {
        throw new StreamFault("too_large", `more than ${config.maxResponseBytes} bytes`);
      }
      let text = decoder.write(chunk.value);
      if (atStart && text !== "") {
        atStart = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      parser.feed(text);
      if (fault) throw fault;
      if (done) {
        // The answer is complete: return now, and leave the tail of the body to be read in the background.
        reader.drain();
        released = true;
        break;
      }
    }
    if (!done) parser.feed(decoder.end());
    if (fault) throw fault;
  } finally {
    if (!released) reader.cancel();
  }
  if (!done && finishReason === undefined) throw new StreamFault("cut", "the response ended early");
  return {
    text: progress.text,
    toolCalls: toolCalls?.filter(Boolean).map(finishToolCall),
    finishReason,
    rawUsage: progress.rawUsage,
    servedModel,
    bodyProvider,
    bodyId,
    headers: response.headers,
    headersAt: 0,
    bodyCacheHit: cacheHit,
  };
}
