import { parseReference, type TemplateVersion } from "@promptreg/registry";
import type { GatewayPort, RunResult } from "@promptreg/runtime";
import type { Response } from "express";
import { NotReadyError } from "../errors/not-ready-error.js";
import { TemplateAccessDeniedError } from "../errors/template-access-denied-error.js";
import { requestState } from "../http/request-state.js";
import type { RenderOutput } from "../logic/ports.js";
import type { RegistryHolder } from "../logic/registry-holder.js";
import { requireRegistry } from "./require-registry.js";

/**
 * Checks the client may use the template a reference names, before anything is resolved or rendered. The string
 * itself is what gets resolved: the registry answers exact, label and latest strings from a map and caches ranges,
 * which beats resolving the parsed form.
 */
export function authorizeRef(res: Response, ref: string): void {
  const state = requestState(res);
  state.templateRef = ref;
  // Unrestricted clients skip the parse (hot path of every render).
  if (!state.client?.allowedTemplates) return;
  const { id } = parseReference(ref);
  if (!state.client.allowsTemplate(id)) {
    throw new TemplateAccessDeniedError({
      templateId: id,
      allowedPrefixes: state.client.allowedTemplates ?? [],
    });
  }
}

export function renderContext(holder: RegistryHolder) {
  return requireRegistry(holder).renderer;
}

export function requireGateway(gateway: GatewayPort | undefined): GatewayPort {
  if (!gateway) throw new NotReadyError({ what: "no model gateway is configured" });
  return gateway;
}

/** The template version a request uses, for its log line and stats. */
export function recordTemplate(res: Response, template: RenderOutput["ref"] | TemplateVersion): void {
  requestState(res).template = { id: template.id, version: template.version };
}

export function recordUpstream(res: Response, result: RunResult): void {
  requestState(res).upstream = {
    provider: result.metadata.provider,
    promptTokens: result.usage.promptTokens,
    completionTokens: result.usage.completionTokens,
    costUsd: result.cost ?? undefined,
  };
}

/** The JSON body of a run result (also the `final` SSE event). */
export function runView(result: RunResult) {
  return {
    ref: result.ref,
    output: result.output,
    text: result.text,
    usage: result.usage,
    cost: result.cost,
    latencyMs: Math.round(result.latencyMs),
    repairs: result.repairs,
    metadata: result.metadata,
  };
}

/** The request's one absolute deadline (epoch ms): its start plus PROMPTREG_REQUEST_TIMEOUT_MS. */
export function requestDeadlineAt(res: Response, timeoutMs: number): number {
  return Date.now() + Math.max(1, timeoutMs - (performance.now() - requestState(res).startedAt));
}
