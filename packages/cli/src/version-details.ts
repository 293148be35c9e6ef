import type { TemplateVersion } from "@promptreg/registry";

/** What `promptreg show --json` prints: the version without its compiled zod schemas (not serialisable). */
export function versionDetails(version: TemplateVersion): Omit<TemplateVersion, "input" | "output"> {
  const { input: _input, output: _output, ...details } = version;
  return details;
}

/** Human-readable description of one version: metadata, schemas (as JSON Schema) and example names. */
export function formatVersionDetails(options: { version: TemplateVersion; file: string }): string {
  const { version, file } = options;
  const { model } = version;
  const lines = [
    `${version.id}@${version.version}  ${version.status}  ${version.hash}`,
    version.description,
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
    `changelog  ${version.changelog.trim().replace(/\s+/g, " ")}`,
    "",
    "input schema:",
    JSON.stringify(version.inputSchema, null, 2),
  );
  lines.push(
    "",
    "output schema:",
    version.outputSchema ? JSON.stringify(version.outputSchema, null, 2) : "none (free text)",
  );
  return `${lines.join("\n")}\n`;
}
