import type { ServerResponse } from "node:http";
import { parseReference, type TemplateVersion } from "@promptreg/registry";
import type { GatewayPort, RunResult } from "@promptreg/runtime";
import { NotReadyError } from "../errors/not-ready-error.js";
import { requestState } from "../http/request-state.js";
import { resolveDimensions } from "../logic/cost-dimensions.js";
import type { RenderOutput } from "../logic/ports.js";
import type { RegistryHolder } from "../logic/registry-holder.js";
import { templateIdNotFound, visibleTemplateIds } from "../logic/template-visibility.js";
import { requireRegistry } from "./require-registry.js";

/**
 * Checks the client may use the template a reference names, before anything is resolved or rendered. For a client
 * with an allow-list, a template outside it is answered exactly like one that does not exist (see
 * template-visibility.ts), and so is a missing id, whose registry error would suggest ids from the whole registry.
 * The string itself is what gets resolved later: the registry answers exact, label and latest strings from a map
 * and caches ranges, which beats resolving the parsed form.
 */
export function authorizeRef(
  res: ServerResponse,
  { ref, registry }: { ref: string; registry: RegistryHolder },
): void {
  const state = requestState(res);
  state.templateRef = ref;
  const client = state.client;
  // Unrestricted clients skip the parse (hot path of every render).
  if (!client?.allowedTemplates) return;
  const { id } = parseReference(ref);
  const { registry: current } = requireRegistry(registry);
  if (client.allowsTemplate(id) && current.versions(id).length > 0) return;
  throw templateIdNotFound({ templateId: id, visibleIds: visibleTemplateIds(current.ids(), client) });
}

/** Checks a run's business dimensions against its client's declaration (422 naming a bad one) and records them. */
export function recordDimensions(
  res: ServerResponse,
  { requested, names }: { requested: Readonly<Record<string, string>> | undefined; names: readonly string[] },
): void {
  const state = requestState(res);
  state.dimensions = resolveDimensions({
    names,
    declared: state.client?.dimensions,
    requested,
    keyId: state.client?.keyId ?? "anonymous",
  });
}

export function requireGateway(gateway: GatewayPort | undefined): GatewayPort {
  if (!gateway) throw new NotReadyError({ what: "no model gateway is configured" });
  return gateway;
}

/** The template version a request uses, for its log line and stats. */
export function recordTemplate(res: ServerResponse, template: RenderOutput["ref"] | TemplateVersion): void {
  requestState(res).template = { id: template.id, version: template.version };
}

export function recordUpstream(res: ServerResponse, result: RunResult): void {
  requestState(res).upstream = {
    provider: result.metadata.provider,
    promptTokens: result.usage.promptTokens,
    completionTokens: result.usage.completionTokens,
    costUsd: result.cost ?? undefined,
  };
}

/** The JSON body of `POST /v1/render`. */
export function renderView(rendered: RenderOutput) {
  return {
    ref: rendered.ref,
    messages: rendered.messages,
    model: rendered.model,
    params: rendered.params,
    fallbacks: rendered.fallbacks,
    outputSchema: rendered.outputSchema ?? null,
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
