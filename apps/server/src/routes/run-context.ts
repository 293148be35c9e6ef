import { parseReference } from "@promptreg/registry";
import type { Response } from "express";
import { NotReadyError } from "../errors/not-ready-error.js";
import { TemplateAccessDeniedError } from "../errors/template-access-denied-error.js";
import { requestState } from "../http/request-state.js";
import type { RenderOutput } from "../logic/ports.js";
import type { RegistryHolder } from "../logic/registry-holder.js";
import type { GatewayPort, RunResult } from "../logic/run-template.js";
import { requireRegistry } from "./require-registry.js";

/** Checks the client may use the template a reference names, before anything is resolved or rendered. */
export function authorizeRef(res: Response, ref: string): void {
  const state = requestState(res);
  state.templateRef = ref;
  // Unrestricted clients skip the parse: the renderer parses the reference anyway (hot path of every render).
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

export function recordRendered(res: Response, rendered: RenderOutput): void {
  requestState(res).template = { id: rendered.ref.id, version: rendered.ref.version };
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

/** What is left of the request's time budget, handed to the gateway as its overall deadline. */
export function remainingMs(res: Response, timeoutMs: number): number {
  return Math.max(1, timeoutMs - (performance.now() - requestState(res).startedAt));
}
