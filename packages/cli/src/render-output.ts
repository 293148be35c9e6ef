import { terminalText } from "./terminal-text.js";

/** What both a local render (renderer's RenderResult) and the service's render response carry. */
export interface RenderedPrompt {
  ref: { id: string; version: string; hash: string };
  model: string;
  params: Record<string, unknown>;
  fallbacks?: readonly string[];
  messages: readonly { role: string; content: string }[];
}

/**
 * Text shown under a `--- name ---` header: every line behind a `| ` gutter (an empty line is a lone `|`),
 * escaped for the terminal. Only headers start at the margin, so no content (an input, a model reply) can produce a
 * line that looks like a header.
 */
export function gutterBlock(content: string): string {
  return terminalText(content.replace(/\n+$/, ""), { block: true })
    .split("\n")
    .map((line) => (line === "" ? "|" : `| ${line}`))
    .join("\n");
}

/**
 * Human-readable rendering: one header line (ref, hash, model), the params, then each message under its role
 * header with its text behind the gutter (`gutterBlock`), so an input cannot forge a header.
 */
export function formatRenderResult(result: RenderedPrompt): string {
  const { ref } = result;
  const hash = ref.hash.length > 15 ? `${ref.hash.slice(0, 15)}…` : ref.hash;
  const fallbacks =
    result.fallbacks !== undefined && result.fallbacks.length > 0
      ? `  fallbacks ${result.fallbacks.join(", ")}`
      : "";
  const lines = [terminalText(`${ref.id}@${ref.version}  ${hash}  model ${result.model}${fallbacks}`)];
  if (Object.keys(result.params).length > 0)
    lines.push(terminalText(`params ${JSON.stringify(result.params)}`));
  lines.push("");
  for (const message of result.messages) {
    lines.push(`--- ${terminalText(message.role)} ---`, gutterBlock(message.content));
  }
  return `${lines.join("\n")}\n`;
}
