import { z } from "zod";
import { canonicalCopy, contentHash } from "./content-hash.js";
import { BundleError } from "./errors/bundle-error.js";
import { isLabelName, isStrictSemver, isTemplateId } from "./ids.js";
import { LIMITS } from "./limits.js";
import { findPartialCycles, findPartialReferences, findPartialUses, partialClosure } from "./partials.js";
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

// Every object's keys are listed in code-unit order: zod builds its output in the order of the shape, and a template
// whose keys are in canonical order is hashed by the native JSON.stringify (see canonicalJson).
const bundleSchema = z.strictObject({
  createdAt: z.iso.datetime({ offset: true }),
  format: z.literal(BUNDLE_FORMAT, { error: `format must be "${BUNDLE_FORMAT}"` }),
  labels: z.record(z.string(), z.record(z.string(), z.string())),
  partials: z.record(z.string(), z.string()),
  templates: z.array(
    z.strictObject({
      changelog: z.string(),
      description: z.string(),
      examples: z.array(
        z.strictObject({ description: z.string().optional(), input: jsonObject, name: z.string() }),
      ),
      hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, "must be sha256:<64 hex digits>"),
      id: z.string().refine(isTemplateId, "not a valid template id"),
      inputSchema: jsonObject,
      messages: z.array(
        z.strictObject({ content: z.string(), role: z.enum(["system", "user", "assistant"]) }),
      ),
      model: z.strictObject({ fallbacks: z.array(z.string()), name: z.string(), params: jsonObject }),
      outputSchema: jsonObject.optional(),
      owners: z.array(z.string()),
      source: z.strictObject({ path: z.string() }),
      status: z.enum(["draft", "published", "deprecated"]),
      tags: z.array(z.string()),
      version: z.string().refine(isStrictSemver, "not a strict semver version"),
    }),
  ),
});

const DEFINITION_KEYS = [
  "id",
  "version",
  "description",
  "owners",
  "tags",
  "status",
  "changelog",
  "model",
  "messages",
  "inputSchema",
  "outputSchema",
  "examples",
  "hash",
  "source",
] as const satisfies readonly (keyof TemplateDefinition)[];

function definitionOf(version: TemplateVersion): TemplateDefinition {
  // Picked by name, never spread: a lazily loaded version compiles its schemas when `input` is read, and bundles
  // carry no compiled schemas and no source positions (they are rebuilt from definitions, not from YAML).
  const definition: Record<string, unknown> = {};
  for (const key of DEFINITION_KEYS) if (version[key] !== undefined) definition[key] = version[key];
  // Keys in canonical order at every level: loading the bundle then hashes each version with JSON.stringify.
  return canonicalCopy(definition) as unknown as TemplateDefinition;
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

/**
 * What a bundle holds, as one `sha256:<hex>`: every template's id, version, source path and content hash (which
 * covers its partials), the labels and the partials, but not `createdAt`. Two bundles of the same registry made at
 * different times share it; the service's `GET /v1/bundle` answers it as the `ETag`.
 */
export function bundleContentHash(bundle: RegistryBundle): string {
  return contentHash({
    format: bundle.format,
    templates: bundle.templates.map((t) => [t.id, t.version, t.source.path, t.hash]),
    labels: bundle.labels,
    partials: bundle.partials,
  });
}

function jsonPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) =>
      typeof segment === "number" ? `[${segment}]` : `${index ? "." : ""}${String(segment)}`,
    )
    .join("");
}

export interface LoadBundleOptions {
  /**
   * When each version's JSON Schemas are compiled to zod and its examples re-validated against them:
   * - `"eager"` (default): now, for every version, exactly as the YAML loader does;
   * - `"lazy"`: on the first read of the version's `input` or `output`, then cached. Shape, content hashes,
   *   partials and labels are still checked now, so a tampered or corrupt bundle is refused at load; a version
   *   whose content cannot be rebuilt throws `BundleError` (`bundle_content_invalid`) at that first read. This is
   *   what makes a 10,000-version bundle ready in well under a second (the service with `PROMPTREG_BUNDLE`,
   *   `@promptreg/embedded`).
   */
  schemas?: "eager" | "lazy";
}

/**
 * Rebuilds a registry from a bundle: validates its shape, verifies every content hash, and re-validates every
 * template exactly as the loader does (schemas, examples, partials, labels), now or on first use (see
 * `LoadBundleOptions.schemas`). Throws `BundleError`.
 */
export function loadRegistryFromBundle(
  bundle: unknown,
  { schemas = "eager" }: LoadBundleOptions = {},
): Registry {
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
    if (schemas === "lazy") {
      versions.push(lazyVersion({ definition: definition as TemplateDefinition, index, partials }));
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
    if (built.version.hash !== definition.hash)
      throw hashMismatch({ index, key, claimed: definition.hash, actual: built.version.hash });
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

function hashMismatch({
  index,
  key,
  claimed,
  actual,
}: {
  index: number;
  key: string;
  claimed: string;
  actual: string;
}): BundleError {
  return new BundleError({
    code: "bundle_hash_mismatch",
    path: `templates[${index}].hash`,
    message: `${key} has hash ${claimed} but its content hashes to ${actual}; the bundle was modified or corrupted. Rebuild it.`,
  });
}

/**
 * A bundled version whose content hash is verified now and whose schemas compile on first use. The first read of
 * `input` or `output` rebuilds the version exactly as the eager path does (schema subset, examples, normalisation)
 * and insists on the same hash, so lazy loading accepts nothing the eager path would refuse; it only refuses later.
 */
function lazyVersion({
  definition,
  index,
  partials,
}: {
  definition: TemplateDefinition;
  index: number;
  partials: PartialIndex;
}): TemplateVersion {
  const key = `${definition.id}@${definition.version}`;
  const used = new Set<string>();
  definition.messages.forEach((message, messageIndex) => {
    for (const { name } of findPartialUses(message.content)) {
      if (!partials.sources.has(name)) {
        throw new BundleError({
          code: "bundle_content_invalid",
          path: `templates[${index}].messages[${messageIndex}].content`,
          message: `${key} uses partial "${name}", which is not in the bundle`,
        });
      }
      used.add(name);
    }
  });
  const { hash, source: _source, ...hashed } = definition;
  const closure = partialClosure(used, partials.graph);
  // Members in canonical order (partials < template), so a bundle from createBundle hashes on the native path.
  const actual = contentHash({
    partials: Object.fromEntries(closure.map((name) => [name, partials.sources.get(name)!])),
    template: hashed,
  });
  if (actual !== hash) throw hashMismatch({ index, key, claimed: hash, actual });

  let compiled: Pick<TemplateVersion, "input" | "output"> | undefined;
  const compile = () => {
    if (compiled) return compiled;
    const built = buildTemplateVersion({
      value: definitionToFile(definition),
      file: `bundle:templates[${index}]`,
      locator: noLocator,
      partials,
    });
    if (!built.version || built.version.hash !== hash) {
      const first = built.problems[0];
      throw new BundleError({
        code: "bundle_content_invalid",
        path: `templates[${index}]`,
        message: first
          ? `${key}: ${built.problems.length} problem(s), first: [${first.code}] ${first.message}`
          : `${key} is not in normalised form (its rebuilt content hashes to ${built.version?.hash}); rebuild the bundle with promptreg build`,
        problems: built.problems,
      });
    }
    compiled = { input: built.version.input, output: built.version.output };
    return compiled;
  };
  const version = { ...definition, source: { path: definition.source.path } } as TemplateVersion;
  Object.defineProperty(version, "input", { enumerable: true, get: () => compile().input });
  if (definition.outputSchema) {
    Object.defineProperty(version, "output", { enumerable: true, get: () => compile().output });
  }
  return version;
}
