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

const templateId = z.string().refine(isTemplateId, "not a valid template id");
const strictSemver = z.string().refine(isStrictSemver, "not a strict semver version");
const status = z.enum(["draft", "published", "deprecated"]);

// Every object's keys are listed in code-unit order: zod builds its output in the order of the shape, and a template
// whose keys are in canonical order is hashed by the native JSON.stringify (see canonicalJson).
const definitionSchema = z.strictObject({
  changelog: z.string(),
  description: z.string(),
  examples: z.array(
    z.strictObject({ description: z.string().optional(), input: jsonObject, name: z.string() }),
  ),
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, "must be sha256:<64 hex digits>"),
  id: templateId,
  inputSchema: jsonObject,
  messages: z.array(z.strictObject({ content: z.string(), role: z.enum(["system", "user", "assistant"]) })),
  model: z.strictObject({ fallbacks: z.array(z.string()), name: z.string(), params: jsonObject }),
  outputSchema: jsonObject.optional(),
  owners: z.array(z.string()),
  source: z.strictObject({ path: z.string() }),
  status,
  tags: z.array(z.string()),
  version: strictSemver,
});

const envelope = {
  createdAt: z.iso.datetime({ offset: true }),
  format: z.literal(BUNDLE_FORMAT, { error: `format must be "${BUNDLE_FORMAT}"` }),
  labels: z.record(z.string(), z.record(z.string(), z.string())),
  partials: z.record(z.string(), z.string()),
};

const bundleSchema = z.strictObject({ ...envelope, templates: z.array(definitionSchema) });

// What a lazy load checks up front: the envelope, and of each template only what indexes it (id, version) and what
// selects among an id's versions (status). The rest of a template is checked with definitionSchema on first use.
const indexSchema = z.strictObject({
  ...envelope,
  templates: z.array(z.object({ id: templateId, status, version: strictSemver })),
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
   * - `"lazy"`: on the first read of the version's `input` or `output`, then cached; a version whose content cannot
   *   be rebuilt throws `BundleError` (`bundle_content_invalid`) at that first read.
   */
  schemas?: "eager" | "lazy";
  /**
   * With `schemas: "lazy"`, when the rest of each version is checked (its shape, nesting depth, partials and content
   * hash):
   * - `"load"` (default): now, so a tampered or corrupt bundle is refused at load (what a client swapping in a
   *   fetched bundle needs: `@promptreg/embedded`, a service reloading on SIGHUP);
   * - `"first-use"`: now only the envelope (format, labels, partials), each template's id, version and status,
   *   duplicates and label targets; the rest the first time any version of its id is used (resolved, fetched with
   *   `get`, listed or iterated). A tampered or corrupt version then throws the same `BundleError`
   *   (`bundle_invalid`, `bundle_hash_mismatch`, `bundle_content_invalid`, same path) at that use and at every
   *   later one; the other ids serve. This is what makes a 10,000-version bundle ready in well under a second (the
   *   service's first load with `PROMPTREG_BUNDLE`). Where a hand edit also leaves content the loader refuses (an
   *   empty description), this reports the hash mismatch, which it checks first, and the eager path the content
   *   problem.
   */
  verify?: "load" | "first-use";
}

function invalidShape(issue: { path: readonly PropertyKey[]; message: string }, prefix = ""): BundleError {
  const path = jsonPath(issue.path);
  return new BundleError({
    code: "bundle_invalid",
    path: prefix && path && !path.startsWith("[") ? `${prefix}.${path}` : `${prefix}${path}`,
    message: `${issue.message}. Rebuild the bundle with createBundle (promptreg build) instead of editing it by hand.`,
  });
}

function partialIndexOf(sources: Record<string, string>): PartialIndex {
  const graph = new Map(
    Object.entries(sources).map(([name, source]) => [name, findPartialReferences(source)]),
  );
  const cycle = findPartialCycles(graph)[0];
  if (cycle) {
    throw new BundleError({
      code: "bundle_content_invalid",
      path: `partials.${cycle[0]}`,
      message: `partial cycle ${cycle.join(" -> ")}`,
    });
  }
  return { sources: new Map(Object.entries(sources)), graph };
}

/** Labels as the registry takes them, after checking each name and that each target is in the bundle. */
function checkedLabels(
  labels: Record<string, Record<string, string>>,
  keys: ReadonlySet<string>,
): Map<string, Record<string, string>> {
  const checked = new Map<string, Record<string, string>>();
  for (const [id, map] of Object.entries(labels)) {
    for (const [label, version] of Object.entries(map)) {
      if (!isLabelName(label) || label === "latest") {
        throw new BundleError({
          code: "bundle_invalid",
          path: `labels.${id}`,
          message: `"${label}" is not a valid label name`,
        });
      }
      if (!keys.has(`${id}@${version}`)) {
        throw new BundleError({
          code: "bundle_content_invalid",
          path: `labels.${id}.${label}`,
          message: `label points at ${id}@${version}, which is not in the bundle`,
        });
      }
    }
    checked.set(id, map);
  }
  return checked;
}

function duplicateCheck(): (key: string, index: number) => void {
  const seen = new Set<string>();
  return (key, index) => {
    if (seen.has(key)) {
      throw new BundleError({
        code: "bundle_invalid",
        path: `templates[${index}]`,
        message: `duplicate template ${key}`,
      });
    }
    seen.add(key);
  };
}

function tooDeepProblem({ definition, index }: { definition: unknown; index: number }): Problem | undefined {
  // A bundle's values never went through the YAML loader's nesting check, and everything below recurses.
  const tooDeep = findTooDeep(definition, LIMITS.maxNestingDepth);
  if (!tooDeep) return undefined;
  const { id, version } = definition as TemplateDefinition;
  return {
    file: `bundle:templates[${index}]`,
    line: 1,
    column: 1,
    code: PROBLEM_CODES.NESTING_TOO_DEEP,
    message: `${id}@${version} nests values more than ${LIMITS.maxNestingDepth} levels deep (LIMITS.maxNestingDepth) at ${jsonPath(tooDeep)}.`,
    severity: "error",
  };
}

function contentInvalid(problems: Problem[]): BundleError {
  return new BundleError({
    code: "bundle_content_invalid",
    path: problems[0]!.file.replace(/^bundle:/, ""),
    message: `${problems.length} problem(s) in the bundled templates, first: [${problems[0]!.code}] ${problems[0]!.message}`,
    problems,
  });
}

/**
 * Rebuilds a registry from a bundle: validates its shape, verifies every content hash, and re-validates every
 * template exactly as the loader does (schemas, examples, partials, labels), now or on first use (see
 * `LoadBundleOptions.schemas`). Throws `BundleError`.
 */
export function loadRegistryFromBundle(
  bundle: unknown,
  { schemas = "eager", verify = "load" }: LoadBundleOptions = {},
): Registry {
  if (schemas === "eager") return loadEagerly(bundle);
  return verify === "first-use" ? loadOnFirstUse(bundle) : loadCheckedNow(bundle);
}

function loadCheckedNow(bundle: unknown): Registry {
  const parsed = bundleSchema.safeParse(bundle);
  if (!parsed.success) throw invalidShape(parsed.error.issues[0]!);
  const data = parsed.data;
  const partials = partialIndexOf(data.partials);
  const unique = duplicateCheck();
  const keys = new Set<string>();
  const versions = data.templates.map((definition, index) => {
    const key = `${definition.id}@${definition.version}`;
    unique(key, index);
    keys.add(key);
    const lazy = new LazyBundledVersion({
      definition: definition as TemplateDefinition,
      index,
      partials,
      shapeChecked: true,
    });
    lazy.check();
    return lazy.version;
  });
  return createRegistry({ versions, labels: checkedLabels(data.labels, keys), partials: partials.sources });
}

function loadEagerly(bundle: unknown): Registry {
  const parsed = bundleSchema.safeParse(bundle);
  if (!parsed.success) throw invalidShape(parsed.error.issues[0]!);
  const data = parsed.data;
  const partials = partialIndexOf(data.partials);
  const problems: Problem[] = [];
  const versions: TemplateVersion[] = [];
  const unique = duplicateCheck();
  const keys = new Set<string>();
  data.templates.forEach((definition, index) => {
    const key = `${definition.id}@${definition.version}`;
    unique(key, index);
    keys.add(key);
    const tooDeep = tooDeepProblem({ definition, index });
    if (tooDeep) {
      problems.push(tooDeep);
      return;
    }
    const built = buildTemplateVersion({
      value: definitionToFile(definition as TemplateDefinition),
      file: `bundle:templates[${index}]`,
      locator: noLocator,
      partials,
    });
    problems.push(...built.problems);
    if (!built.version) return;
    if (built.version.hash !== definition.hash)
      throw hashMismatch({ index, key, claimed: definition.hash, actual: built.version.hash });
    versions.push({ ...built.version, source: { path: definition.source.path } });
  });
  if (problems.length > 0) throw contentInvalid(problems);
  return createRegistry({ versions, labels: checkedLabels(data.labels, keys), partials: partials.sources });
}

function loadOnFirstUse(bundle: unknown): Registry {
  const parsed = indexSchema.safeParse(bundle);
  if (!parsed.success) throw invalidShape(parsed.error.issues[0]!);
  const data = parsed.data;
  const partials = partialIndexOf(data.partials);
  // The caller's objects, not zod's copies: the index schema only looked at three members of each.
  const definitions = (bundle as { templates: unknown[] }).templates;
  const indexOf = new Map<unknown, number>();
  const unique = duplicateCheck();
  const keys = new Set<string>();
  data.templates.forEach(({ id, version }, index) => {
    const key = `${id}@${version}`;
    unique(key, index);
    keys.add(key);
    indexOf.set(definitions[index], index);
  });
  return createRegistry({
    // Stand-ins until an id is first used: the registry reads only their id, version and status (checked above).
    versions: definitions as TemplateVersion[],
    labels: checkedLabels(data.labels, keys),
    partials: partials.sources,
    prepare: (versions) =>
      versions.map((definition) => {
        const lazy = new LazyBundledVersion({ definition, index: indexOf.get(definition)!, partials });
        lazy.check();
        return lazy.version;
      }),
  });
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
    message: `${key} has hash ${shortHash(claimed)} but its content hashes to ${shortHash(actual)}; the bundle was modified or corrupted. Rebuild it.`,
  });
}

/**
 * A content hash as messages show it: its first 12 hex digits, as git abbreviates commits. Enough to tell two
 * hashes apart by eye, and never a full 64-digit value that a log scanner must treat as a possible signature.
 */
function shortHash(hash: string): string {
  return hash.length > 12 ? `${hash.slice(0, 12)}…` : hash;
}

/**
 * A bundled version checked on first use: `check` (run by the registry the first time its id is used) validates its
 * shape, nesting depth and partials and verifies its content hash; its schemas compile on the first read of `input`
 * or `output`, which rebuilds the version exactly as the eager path does and insists on the same hash, so lazy
 * loading accepts nothing the eager path would refuse; it only refuses later. A failed check fails again on every
 * later use. A class, not closures: a 10,000-version start makes one of these per version and nothing else.
 */
class LazyBundledVersion {
  readonly version: TemplateVersion;
  readonly definition: TemplateDefinition;
  readonly index: number;
  readonly partials: PartialIndex;
  readonly #shapeChecked: boolean;
  #checked = false;
  #compiled: Pick<TemplateVersion, "input" | "output"> | undefined;

  constructor({
    definition,
    index,
    partials,
    shapeChecked = false,
  }: {
    definition: TemplateDefinition;
    index: number;
    partials: PartialIndex;
    /** Already validated with definitionSchema (as part of the whole bundle). */
    shapeChecked?: boolean;
  }) {
    this.definition = definition;
    this.index = index;
    this.partials = partials;
    this.#shapeChecked = shapeChecked;
    // A shallow copy (the caller's bundle must not grow getters); `source` is checked to be exactly `{ path }` by
    // the shape check before anyone can see the version.
    const lazy = this;
    this.version = (
      definition.outputSchema === undefined
        ? {
            ...definition,
            get input() {
              return lazy.compile().input;
            },
          }
        : {
            ...definition,
            get input() {
              return lazy.compile().input;
            },
            get output() {
              return lazy.compile().output;
            },
          }
    ) as TemplateVersion;
  }

  get key(): string {
    return `${this.definition.id}@${this.definition.version}`;
  }

  check(): void {
    if (this.#checked) return;
    const { definition, index, partials } = this;
    if (!this.#shapeChecked) {
      const shape = definitionSchema.safeParse(definition);
      if (!shape.success) throw invalidShape(shape.error.issues[0]!, `templates[${index}]`);
    }
    const tooDeep = tooDeepProblem({ definition, index });
    if (tooDeep) throw contentInvalid([tooDeep]);
    const used = new Set<string>();
    definition.messages.forEach((message, messageIndex) => {
      for (const { name } of findPartialUses(message.content)) {
        if (!partials.sources.has(name)) {
          throw new BundleError({
            code: "bundle_content_invalid",
            path: `templates[${index}].messages[${messageIndex}].content`,
            message: `${this.key} uses partial "${name}", which is not in the bundle`,
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
    if (actual !== hash) throw hashMismatch({ index, key: this.key, claimed: hash, actual });
    this.#checked = true;
  }

  compile(): Pick<TemplateVersion, "input" | "output"> {
    if (this.#compiled) return this.#compiled;
    this.check();
    const { definition, index, partials } = this;
    const built = buildTemplateVersion({
      value: definitionToFile(definition),
      file: `bundle:templates[${index}]`,
      locator: noLocator,
      partials,
    });
    if (!built.version || built.version.hash !== definition.hash) {
      const first = built.problems[0];
      throw new BundleError({
        code: "bundle_content_invalid",
        path: `templates[${index}]`,
        message: first
          ? `${this.key}: ${built.problems.length} problem(s), first: [${first.code}] ${first.message}`
          : `${this.key} is not in normalised form (its rebuilt content hashes to ${shortHash(built.version?.hash ?? "")}); rebuild the bundle with promptreg build`,
        problems: built.problems,
      });
    }
    this.#compiled = { input: built.version.input, output: built.version.output };
    return this.#compiled;
  }
}
