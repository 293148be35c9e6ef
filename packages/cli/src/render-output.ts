import type { RenderResult } from "@promptreg/renderer";

/** Human-readable rendering: one header line (ref, hash, model), the params, then each message under its role. */
export function formatRenderResult(result: RenderResult): string {
  const { ref } = result;
  const hash = ref.hash.length > 15 ? `${ref.hash.slice(0, 15)}…` : ref.hash;
  const fallbacks = result.fallbacks.length > 0 ? `  fallbacks ${result.fallbacks.join(", ")}` : "";
  const lines = [`${ref.id}@${ref.version}  ${hash}  model ${result.model}${fallbacks}`];
  if (Object.keys(result.params).length > 0) lines.push(`params ${JSON.stringify(result.params)}`);
  lines.push("");
  for (const message of result.messages) {
    lines.push(`--- ${message.role} ---`, message.content.replace(/\n+$/, ""));
  }
  return `${lines.join("\n")}\n`;
}
