import type { TemplateVersion } from "@promptreg/registry";
import { terminalText } from "./terminal-text.js";

/** What `promptreg show --json` prints: the version without its compiled zod schemas (not serialisable). */
export function versionDetails(version: TemplateVersion): Omit<TemplateVersion, "input" | "output"> {
  const { input: _input, output: _output, ...details } = version;
  return details;
}

/**
 * Human-readable description of one version: metadata, schemas (as JSON Schema) and example names. Every line is
 * escaped for the terminal (JSON.stringify leaves DEL, C1 controls and Unicode separators as they are).
 */
export function formatVersionDetails(options: { version: TemplateVersion; file: string }): string {
  const { version, file } = options;
  const { model } = version;
  // Metadata lines are escaped one by one (a newline in an owner or example name stays on its line); the schemas
  // are JSON text shown as a block.
  const lines = [
    `${version.id}@${version.version}  ${version.status}  ${version.hash}`,
    oneLine(version.description),
    "",
    `file       ${file}`,
    `owners     ${version.owners.join(", ")}`,
    `tags       ${version.tags.length > 0 ? version.tags.join(", ") : "-"}`,
    `model      ${model.name}${model.fallbacks.length > 0 ? ` (fallbacks: ${model.fallbacks.join(", ")})` : ""}`,
  ];
  if (Object.keys(model.params).length > 0) lines.push(`params     ${JSON.stringify(model.params)}`);
  lines.push(
    `messages   ${version.messages.map((message) => message.role).join(", ")}`,
    `examples   ${version.examples.length > 0 ? version.examples.map((example) => example.name).join(", ") : "-"}`,
    `changelog  ${oneLine(version.changelog)}`,
  );
  const schemas = [
    "",
    "input schema:",
    JSON.stringify(version.inputSchema, null, 2),
    "",
    "output schema:",
    version.outputSchema ? JSON.stringify(version.outputSchema, null, 2) : "none (free text)",
  ];
  const shown = lines.map((line) => terminalText(line)).join("\n");
  return `${shown}\n${terminalText(schemas.join("\n"), { block: true })}\n`;
}

/** Free text on one line: whitespace runs (newlines included) become one space. */
function oneLine(text: string): string {
  return text.trim().replace(/\s+/g, " ");
}
