import {
  contentHash,
  findPartialReferences,
  partialClosure,
  type TemplateDefinition,
  type TemplateVersion,
} from "@promptreg/registry";

/** Partial name -> the partials it includes, for `versionPartials`. Build once per registry. */
export type PartialGraph = ReadonlyMap<string, readonly string[]>;

export function partialGraph(partials: ReadonlyMap<string, string>): PartialGraph {
  return new Map([...partials].map(([name, source]) => [name, findPartialReferences(source)]));
}

/** Every partial a version includes, directly or through other partials, sorted. */
export function versionPartials(version: Pick<TemplateVersion, "messages">, graph: PartialGraph): string[] {
  const direct = version.messages.flatMap((message) => findPartialReferences(message.content));
  return partialClosure(direct, graph);
}

/**
 * The part of a version that is locked once it is published: what decides the prompt the model receives and the
 * contract callers rely on (model, params and fallbacks, messages, input and output schemas). Status (deprecating),
 * description, owners, tags, changelog and examples may be edited in place; partials are hashed separately
 * (`partialContentHash`) so a finding can say which file changed.
 */
export function lockedContent(version: Omit<TemplateDefinition, "hash" | "source">): Record<string, unknown> {
  return {
    id: version.id,
    version: version.version,
    model: version.model,
    messages: version.messages,
    inputSchema: version.inputSchema,
    ...(version.outputSchema === undefined ? {} : { outputSchema: version.outputSchema }),
  };
}

/** `sha256:<hex>` of `lockedContent(version)`. */
export function lockedContentHash(version: Omit<TemplateDefinition, "hash" | "source">): string {
  return contentHash(lockedContent(version));
}

/** `sha256:<hex>` of a partial's source text. */
export function partialContentHash(source: string): string {
  return contentHash(source);
}

/** Published and deprecated versions are locked; drafts may still change. */
export function isLocked(version: Pick<TemplateVersion, "status">): boolean {
  return version.status !== "draft";
}
