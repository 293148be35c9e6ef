import type { JsonSchema, Registry, TemplateVersion } from "../src/index.js";

/** Where the generated catalog lives, relative to the repository root. */
export const CATALOG_PATH = "docs/templates/README.md";

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ").trim();
}

/** A short, human-readable type: `string`, `"free" \| "pro"`, `{author, body}[]`, `string (date)`. */
export function describeType(schema: JsonSchema): string {
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value)).join(" | ");
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  return types
    .map((type) => {
      if (type === "array") {
        const items = schema.items as JsonSchema | undefined;
        const inner = items ? describeType(items) : "unknown";
        return inner.includes(" ") && !inner.startsWith("{") ? `(${inner})[]` : `${inner}[]`;
      }
      if (type === "object") {
        const properties = Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
        return properties.length ? `{${properties.join(", ")}}` : "object";
      }
      if (type === "string" && typeof schema.format === "string") return `string (${schema.format})`;
      return type;
    })
    .join(" | ");
}

function fieldTable(schema: JsonSchema, withDefault: boolean): string[] {
  const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const header = withDefault
    ? ["| field | type | required | default | description |", "| --- | --- | --- | --- | --- |"]
    : ["| field | type | required | description |", "| --- | --- | --- | --- |"];
  const rows = Object.entries(properties).map(([name, child]) => {
    const cells = [
      `\`${name}\``,
      cell(describeType(child)),
      required.has(name) ? "yes" : "no",
      ...(withDefault
        ? [child.default === undefined ? "" : cell(`\`${JSON.stringify(child.default)}\``)]
        : []),
      cell(typeof child.description === "string" ? child.description : ""),
    ];
    return `| ${cells.join(" | ")} |`;
  });
  return [...header, ...rows];
}

function section(registry: Registry, id: string): string[] {
  const versions = registry.versions(id).map((version) => registry.get(id, version)!);
  const labels = registry.labels(id);
  const summary = registry.list({ idPrefix: id }).find((entry) => entry.id === id)!;
  // Describe the version most callers get: latest, or the newest one when nothing is published yet.
  const shown: TemplateVersion =
    (summary.latest ? registry.get(id, summary.latest) : undefined) ?? versions.at(-1)!;
  const labelsOf = (version: string) =>
    Object.entries(labels)
      .filter(([, target]) => target === version)
      .map(([label]) => `\`${label}\``)
      .join(", ");
  const lines = [
    `## ${id}`,
    "",
    cell(shown.description),
    "",
    `Owners: ${shown.owners.join(", ")}. Tags: ${shown.tags.map((tag) => `\`${tag}\``).join(", ") || "none"}.` +
      ` Latest: ${summary.latest ? `\`${summary.latest}\`` : "none (nothing published)"}.`,
    "",
    "| version | status | labels | model (fallbacks) | changelog |",
    "| --- | --- | --- | --- | --- |",
    ...[...versions].reverse().map((version) => {
      const model = `\`${version.model.name}\`${version.model.fallbacks.length ? ` (${version.model.fallbacks.map((m) => `\`${m}\``).join(", ")})` : ""}`;
      return `| ${version.version} | ${version.status} | ${labelsOf(version.version)} | ${model} | ${cell(version.changelog)} |`;
    }),
    "",
    `Input of ${shown.version}:`,
    "",
    ...fieldTable(shown.inputSchema, true),
    "",
  ];
  if (shown.outputSchema) {
    const output = shown.outputSchema;
    if (output.type === "object")
      lines.push(`Output of ${shown.version} (JSON):`, "", ...fieldTable(output, false), "");
    else lines.push(`Output of ${shown.version}: ${cell(describeType(output))} (JSON).`, "");
  } else {
    lines.push(`Output of ${shown.version}: plain text.`, "");
  }
  lines.push(`Examples: ${shown.examples.map((example) => `\`${example.name}\``).join(", ")}.`, "");
  return lines;
}

/** The catalog of a registry as markdown. Deterministic: the same registry always gives the same text. */
export function renderCatalog(registry: Registry): string {
  const ids = registry.ids();
  return [
    "# Template catalog",
    "",
    "<!-- Generated from templates/ by packages/registry/test/template-catalog.ts. Do not edit by hand: run",
    "     UPDATE_CATALOG=1 pnpm vitest run --project @promptreg/registry bundled-templates -->",
    "",
    "Every template shipped in `templates/`, with its versions, labels and the inputs and outputs of the version",
    "that `latest` serves. The file format is described in [../template-format.md](../template-format.md); how",
    "to write a template that fits in is in [authoring.md](authoring.md).",
    "Call a template by reference: `id` (latest), `id@1.2.0`, `id@^1` or `id@production`.",
    "",
    "| id | latest | labels | description |",
    "| --- | --- | --- | --- |",
    ...ids.map((id) => {
      const entry = registry.list({ idPrefix: id }).find((summary) => summary.id === id)!;
      const labels = Object.entries(entry.labels)
        .map(([label, version]) => `${label} -> ${version}`)
        .join(", ");
      const anchor = id.replaceAll("/", "");
      return `| [${id}](#${anchor}) | ${entry.latest ?? ""} | ${labels} | ${cell(entry.description)} |`;
    }),
    "",
    ...ids.flatMap((id) => section(registry, id)),
  ].join("\n");
}
