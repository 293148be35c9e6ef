import type { PromptregClient, TemplateVersionDetails } from "@promptreg/client";
import { parseReference, type VersionSelector } from "@promptreg/registry";
import semver from "semver";
import { ExampleNotFoundError } from "./errors/example-not-found-error.js";
import { ServiceCallError } from "./errors/service-call-error.js";

/**
 * The input of example `example` of the version `ref` resolves to, read from the service (the service's templates are
 * the ones a call runs, not necessarily the local tree). Resolution follows the registry's rules: exact version,
 * label, highest published version in a range, or latest published.
 */
export async function exampleFromService(options: {
  client: PromptregClient;
  ref: string;
  example: string;
}): Promise<{ input: Record<string, unknown>; version: string }> {
  const { client, example } = options;
  const ref = parseReference(options.ref);
  const definition = await resolveDefinition({ client, id: ref.id, selector: ref.selector });
  const found = definition.examples.find((candidate) => candidate.name === example);
  if (found === undefined) {
    throw new ExampleNotFoundError({
      templateId: definition.id,
      version: definition.version,
      example,
      available: definition.examples.map((candidate) => candidate.name),
    });
  }
  return { input: found.input, version: definition.version };
}

async function resolveDefinition(options: {
  client: PromptregClient;
  id: string;
  selector: VersionSelector;
}): Promise<TemplateVersionDetails> {
  const { client, id, selector } = options;
  if (selector.kind === "exact") return client.getTemplateVersion(id, selector.value);
  const details = await client.getTemplate(id);
  const unresolved = (detail: string, choices: string[], kind: string) =>
    new ServiceCallError({
      code: "template_not_found",
      status: 404,
      message: `${id} has ${detail} on the service. ${kind}: ${choices.length > 0 ? choices.join(", ") : "(none)"}.`,
    });
  if (selector.kind === "label") {
    const version = details.labels[selector.value];
    if (version === undefined) {
      throw unresolved(`no label "${selector.value}"`, Object.keys(details.labels).sort(), "Labels");
    }
    return client.getTemplateVersion(id, version);
  }
  if (selector.kind === "latest") {
    if (details.current === null) throw unresolved("no published version", details.versions, "Versions");
    return details.current;
  }
  // Ranges match published versions only; the summary has no per-version status, so candidates are checked best first.
  const candidates = details.versions
    .filter((version) => semver.satisfies(version, selector.value))
    .sort(semver.rcompare);
  for (const candidate of candidates) {
    const definition = await client.getTemplateVersion(id, candidate);
    if (definition.status === "published") return definition;
  }
  throw unresolved(`no published version satisfying "${selector.value}"`, details.versions, "Versions");
}
