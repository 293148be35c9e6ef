import { z } from "zod";
import { BundleError } from "./errors/bundle-error.js";
import { isLabelName, isStrictSemver, isTemplateId } from "./ids.js";
import { LIMITS } from "./limits.js";
import { findPartialCycles, findPartialReferences } from "./partials.js";
import { PROBLEM_CODES } from "./problem-codes.js";
import { createRegistry } from "./registry.js";
import { buildTemplateVersion, definitionToFile, type PartialIndex } from "./template-version.js";
import type { Problem, Registry, TemplateDefinition, TemplateVersion } from "./types.js";
import { findTooDeep } from "./value-depth.js";
import { noLocator } from "./yaml-source.js";

export const BUNDLE_FORMAT = "promptreg-bundle@1";

/** A whole registry as one JSON document: ship it to services that should not read a template tree. */
export interface RegistryBundle {
  format: typeof BUNDLE_FORMAT;
  /** ISO 8601 time the bundle was made. */
  createdAt: string;
  /** Every version's normalised definition with its content hash, sorted by id then semver. */
  templates: TemplateDefinition[];
  /** id -> label -> version. */
  labels: Record<string, Record<string, string>>;
  /** Partial name -> Handlebars source. */
  partials: Record<string, string>;
}

const jsonObject = z.record(z.string(), z.unknown());

const bundleSchema = z.strictObject({
  format: z.literal(BUNDLE_FORMAT, { error: `format must be "${BUNDLE_FORMAT}"` }),
  createdAt: z.iso.datetime({ offset: true }),
  templates: z.array(
    z.strictObject({
      id: z.string().refine(isTemplateId, "not a valid template id"),
      version: z.string().refine(isStrictSemver, "not a strict semver version"),
      description: z.string(),
      owners: z.array(z.string()),
      tags: z.array(z.string()),
      status: z.enum(["draft", "published", "deprecated"]),
      changelog: z.string(),
      model: z.strictObject({ name: z.string(), params: jsonObject, fallbacks: z.array(z.string()) }),
      messages: z.array(
        z.strictObject({ role: z.enum(["system", "user", "assistant"]), content: z.string() }),
      ),
      inputSchema: jsonObject,
      outputSchema: jsonObject.optional(),
      examples: z.array(
        z.strictObject({ name: z.string(), description: z.string().optional(), input: jsonObject }),
      ),
      hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, "must be sha256:<64 hex digits>"),
      source: z.strictObject({ path: z.string() }),
    }),
  ),
  labels: z.record(z.string(), z.record(z.string(), z.string())),
  partials: z.record(z.string(), z.string()),
});

function definitionOf(version: TemplateVersion): TemplateDefinition {
  // Bundles carry no source positions: they are rebuilt from definitions, not from YAML.
  const { input: _input, output: _output, sourceMap: _sourceMap, ...definition } = version;
  return structuredClone(definition) as TemplateDefinition;
}

/** Serialises a loaded registry; `JSON.stringify` of the result is the bundle file. */
export function createBundle(registry: Registry, { now = new Date() }: { now?: Date } = {}): RegistryBundle {
  const labels: Record<string, Record<string, string>> = {};
  for (const id of registry.ids()) {
    const map = registry.labels(id);
    if (Object.keys(map).length > 0) labels[id] = map;
  }
  return {
    format: BUNDLE_FORMAT,
    createdAt: now.toISOString(),
    templates: [...registry.templates()].map(definitionOf),
    labels,
    partials: Object.fromEntries([...registry.partials].sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

function jsonPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) =>
      typeof segment === "number" ? `[${segment}]` : `${index ? "." : ""}${String(segment)}`,
    )
    .join("");
}

/**
 * Rebuilds a registry from a bundle: validates its shape, re-validates every template exactly as the loader
 * does (schemas, examples, partials, labels) and verifies every content hash. Throws `BundleError`.
 */
export function loadRegistryFromBundle(bundle: unknown): Registry {
  const parsed = bundleSchema.safeParse(bundle);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BundleError({
      code: "bundle_invalid",
      path: jsonPath(issue.path),
      message: `${issue.message}. Rebuild the bundle with createBundle (promptreg build) instead of editing it by hand.`,
    });
  }
  const data = parsed.data;
  const graph = new Map(
    Object.entries(data.partials).map(([name, source]) => [name, findPartialReferences(source)]),
  );
  const partials: PartialIndex = { sources: new Map(Object.entries(data.partials)), graph };
  const problems: Problem[] = [];
  const cycle = findPartialCycles(graph)[0];
  if (cycle) {
    throw new BundleError({
      code: "bundle_content_invalid",
      path: `partials.${cycle[0]}`,
      message: `partial cycle ${cycle.join(" -> ")}`,
    });
  }
  const versions: TemplateVersion[] = [];
  const seen = new Set<string>();
  data.templates.forEach((definition, index) => {
    const file = `bundle:templates[${index}]`;
    const key = `${definition.id}@${definition.version}`;
    if (seen.has(key)) {
      throw new BundleError({
        code: "bundle_invalid",
        path: `templates[${index}]`,
        message: `duplicate template ${key}`,
      });
    }
    seen.add(key);
    // A bundle's values never went through the YAML loader's nesting check, and everything below recurses.
    const tooDeep = findTooDeep(definition, LIMITS.maxNestingDepth);
    if (tooDeep) {
      problems.push({
        file,
        line: 1,
        column: 1,
        code: PROBLEM_CODES.NESTING_TOO_DEEP,
        message: `${key} nests values more than ${LIMITS.maxNestingDepth} levels deep (LIMITS.maxNestingDepth) at ${jsonPath(tooDeep)}.`,
        severity: "error",
      });
      return;
    }
    const built = buildTemplateVersion({
      value: definitionToFile(definition as TemplateDefinition),
      file,
      locator: noLocator,
      partials,
    });
    problems.push(...built.problems);
    if (!built.version) return;
    if (built.version.hash !== definition.hash) {
      throw new BundleError({
        code: "bundle_hash_mismatch",
        path: `templates[${index}].hash`,
        message: `${key} has hash ${definition.hash} but its content hashes to ${built.version.hash}; the bundle was modified or corrupted. Rebuild it.`,
      });
    }
    versions.push({ ...built.version, source: { path: definition.source.path } });
  });
  if (problems.length > 0) {
    throw new BundleError({
      code: "bundle_content_invalid",
      path: problems[0]!.file.replace(/^bundle:/, ""),
      message: `${problems.length} problem(s) in the bundled templates, first: [${problems[0]!.code}] ${problems[0]!.message}`,
      problems,
    });
  }
  const labels = new Map<string, Record<string, string>>();
  for (const [id, map] of Object.entries(data.labels)) {
    for (const [label, version] of Object.entries(map)) {
      if (!isLabelName(label) || label === "latest") {
        throw new BundleError({
          code: "bundle_invalid",
          path: `labels.${id}`,
          message: `"${label}" is not a valid label name`,
        });
      }
      if (!seen.has(`${id}@${version}`)) {
        throw new BundleError({
          code: "bundle_content_invalid",
          path: `labels.${id}.${label}`,
          message: `label points at ${id}@${version}, which is not in the bundle`,
        });
      }
    }
    labels.set(id, map);
  }
  return createRegistry({ versions, labels, partials: partials.sources });
}
