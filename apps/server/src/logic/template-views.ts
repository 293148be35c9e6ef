import type { TemplateSummary, TemplateVersion } from "@promptreg/registry";

/** The JSON a client sees for one template version: everything but compiled validators and file paths. */
export function versionView(version: TemplateVersion) {
  return {
    id: version.id,
    version: version.version,
    description: version.description,
    owners: version.owners,
    tags: version.tags,
    status: version.status,
    changelog: version.changelog,
    model: version.model,
    messages: version.messages,
    inputSchema: version.inputSchema,
    outputSchema: version.outputSchema ?? null,
    examples: version.examples,
    hash: version.hash,
  };
}

export function summaryView(summary: TemplateSummary) {
  return {
    id: summary.id,
    description: summary.description,
    tags: summary.tags,
    owners: summary.owners,
    status: summary.status,
    versions: summary.versions,
    labels: summary.labels,
    latest: summary.latest ?? null,
  };
}

/**
 * Splits `/v1/templates/<id...>[/versions/<version>]`. Ids may themselves contain a `versions` segment, so the
 * split is only taken when what precedes it is a known id.
 */
export function splitTemplatePath(
  segments: readonly string[],
  isKnownId: (id: string) => boolean,
): { id: string; version?: string } {
  const n = segments.length;
  if (n >= 3 && segments[n - 2] === "versions") {
    const id = segments.slice(0, n - 2).join("/");
    if (isKnownId(id) || !isKnownId(segments.join("/"))) return { id, version: segments[n - 1] };
  }
  return { id: segments.join("/") };
}
