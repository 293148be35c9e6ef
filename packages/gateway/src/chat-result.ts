import type { CallContext } from "./call-context.js";
import { type ClientCore, emit } from "./client-core.js";
import { providerPrefix } from "./failover-tracker.js";
import { costFromPriceTable } from "./price-table.js";
import type { HeaderLookup } from "./transport.js";
import type { ChatResult, Cost, TokenUsage } from "./types.js";
import { gatewayCost, parseUsage } from "./upstream-response.js";

/** What one successful attempt read from the wire, before it becomes a `ChatResult`. */
export interface AttemptSuccess {
  text: string;
  toolCalls: ReadonlyArray<Record<string, unknown>> | undefined;
  finishReason: string | undefined;
  rawUsage: unknown;
  servedModel: string | undefined;
  bodyProvider: string | undefined;
  bodyId: string | undefined;
  headers: HeaderLookup;
  headersAt: number;
  bodyCacheHit: boolean;
}

/** Builds the result and its provider metadata (provider, failover, cache hit, latency, usage, cost). */
export function assembleResult(
  core: ClientCore,
  ctx: CallContext,
  done: { attemptedModel: string; fallbackUsed: boolean; success: AttemptSuccess },
): ChatResult {
  const { config } = core;
  const { attemptedModel, fallbackUsed, success } = done;
  const headers = success.headers;
  const servedModel = success.servedModel ?? attemptedModel;
  const provider =
    headers.get("x-phaseo-provider") ??
    headers.get("x-provider") ??
    success.bodyProvider ??
    providerPrefix(servedModel) ??
    providerPrefix(attemptedModel);
  const usage: TokenUsage | undefined = parseUsage(success.rawUsage);
  let cost: Cost | undefined;
  const reported = gatewayCost(success.rawUsage);
  if (reported !== undefined) cost = { usd: reported, source: "gateway" };
  else if (usage) {
    const usd = costFromPriceTable(config.priceTable, attemptedModel, usage);
    if (usd !== undefined) cost = { usd, source: "price-table" };
  }
  const failoverReason = core.failovers.detect(attemptedModel, servedModel, provider);
  if (failoverReason && core.observed) {
    emit(core, {
      type: "failover",
      requestId: ctx.idempotencyKey,
      attemptedModel,
      servedModel,
      servedProvider: provider,
      reason: failoverReason,
      labels: ctx.labels,
    });
  }
  const cacheHeader = (headers.get("x-phaseo-cache") ?? headers.get("x-cache") ?? "").toLowerCase();
  const end = config.now();
  const latency: ChatResult["metadata"]["latency"] = {
    ttfbMs: success.headersAt - ctx.startedAt,
    totalMs: end - ctx.startedAt,
  };
  if (ctx.firstChunkAt !== undefined) latency.firstChunkMs = ctx.firstChunkAt - ctx.startedAt;
  const message: ChatResult["message"] = { role: "assistant", content: success.text };
  if (success.toolCalls) message.tool_calls = success.toolCalls;
  return {
    text: success.text,
    message,
    finishReason: success.finishReason,
    usage,
    cost,
    metadata: {
      requestedModel: ctx.request.model,
      attemptedModel,
      servedModel,
      provider,
      attempts: ctx.attempts,
      fallbackUsed,
      failover: failoverReason ? { detected: true, reason: failoverReason } : { detected: false },
      cacheHit: success.bodyCacheHit || cacheHeader.startsWith("hit"),
      generationId: headers.get("x-generation-id") ?? success.bodyId,
      requestId: headers.get("x-request-id") ?? undefined,
      idempotencyKey: ctx.idempotencyKey,
      latency,
      usage,
      cost,
    },
  };
}
