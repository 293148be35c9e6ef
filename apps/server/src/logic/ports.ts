import type { JsonSchema, Role } from "@promptreg/registry";

/** What the routes need from `@promptreg/renderer` (its `Renderer` satisfies this). */
export interface RenderOutput {
  ref: { id: string; version: string; hash: string };
  messages: { role: Role; content: string }[];
  model: string;
  params: Record<string, unknown>;
  fallbacks: string[];
  outputSchema?: JsonSchema;
}

export type ParseOutputResult = { ok: true; value: unknown } | { ok: false; error: Error };

export interface RendererPort {
  render(ref: string, input: unknown): RenderOutput;
  parseOutput(ref: string, text: string): ParseOutputResult;
}
