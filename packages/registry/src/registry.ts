import { closestMatches } from "@promptreg/core";
import semver from "semver";
import { InvalidReferenceError } from "./errors/invalid-reference-error.js";
import { TemplateNotFoundError } from "./errors/template-not-found-error.js";
import { formatReference, parseReference } from "./reference.js";
import type {
  ListFilter,
  Registry,
  TemplateId,
  TemplateRef,
  TemplateSummary,
  TemplateVersion,
} from "./types.js";

/**
 * Range references (`id@^1`) remembered after their first successful resolution. Bounded so a caller sending
 * endless distinct ranges cannot grow memory; the oldest entry is evicted first.
 */
export const RESOLVE_CACHE_SIZE = 1024;

/**
 * One id's versions, indexed. An entry of loaded versions never changes once built, so the registries of successive
 * incremental reloads share the entries of ids whose files did not change (`registryOver`).
 */
export interface TemplateEntry {
  /** Ascending semver order. */
  versions: string[];
  byVersion: Map<string, TemplateVersion>;
  /** Published versions only, ascending; what ranges and latest consider. */
  published: string[];
  labels: Readonly<Record<string, string>>;
  latest?: string;
  /** False until `prepare` accepted this id's versions and they were frozen (lazily loaded bundles). */
  ready: boolean;
  /** What `prepare` threw for this id: thrown again, the same error, by every later use instead of checking again. */
  failure?: { error: unknown };
  /** Built on first need (it shows a version's description, tags and owners, so it needs the entry ready). */
  summary?: TemplateSummary;
}

/** A Map whose mutators throw, so a cast cannot change a loaded registry's partials. */
class ReadOnlyMap<K, V> extends Map<K, V> {
  constructor(entries: Iterable<readonly [K, V]>) {
    super();
    for (const [key, value] of entries) super.set(key, value);
  }
  override set(): this {
    throw new TypeError("Registry partials are read-only");
  }
  override delete(): boolean {
    throw new TypeError("Registry partials are read-only");
  }
  override clear(): void {
    throw new TypeError("Registry partials are read-only");
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

// Each version's parsed semver, kept while the version is: a reload gets most versions back from the load cache.
const parsedVersions = new WeakMap<TemplateVersion, semver.SemVer>();
function parsedVersion(version: TemplateVersion): semver.SemVer {
  let parsed = parsedVersions.get(version);
  if (!parsed) {
    parsed = new semver.SemVer(version.version);
    parsedVersions.set(version, parsed);
  }
  return parsed;
}

/**
 * Freezes a version except its compiled zod schemas (zod caches lazily on its own objects, so freezing them
 * would break validation). Callers cannot reach the schema objects' internals through the public types anyway.
 */
function freezeVersion(version: TemplateVersion): TemplateVersion {
  // Frozen only here, after its members: a reload hands most versions back unchanged from the load cache.
  if (Object.isFrozen(version)) return version;
  // Keys, not values, for input/output: reading them would compile a lazily loaded version's schemas.
  for (const key of Object.keys(version) as (keyof TemplateVersion)[]) {
    if (key !== "input" && key !== "output") deepFreeze(version[key]);
  }
  return Object.freeze(version);
}

/**
 * Resolution rules:
 * - exact (`id@1.2.0`) and label (`id@production`) select any status, drafts included: they are deliberate;
 * - ranges (`id@^1`) select the highest *published* version satisfying the range; prereleases only when the range
 *   itself names a prerelease of the same major.minor.patch (semver's default rule);
 * - latest (`id`, `id@latest`) is the highest published non-prerelease version.
 */
export function createRegistry({
  versions,
  labels,
  partials,
  prepare,
}: {
  versions: Iterable<TemplateVersion>;
  labels: ReadonlyMap<TemplateId, Record<string, string>>;
  partials: ReadonlyMap<string, string>;
  /**
   * Checks one id's versions the first time any of them is used (resolved, fetched, listed or iterated) and returns
   * the versions to serve in their place, in the same order; they are frozen and handed out from then on. What it
   * throws is thrown by that use, and by every later one. Until then only the `id`, `version` and `status` of
   * `versions` are read, so they may be stand-ins (a lazily loaded bundle passes its raw definitions and verifies
   * their content hashes here). An id's versions are checked together because the statuses and labels of all of
   * them decide which one a reference selects, so a tampered sibling cannot silently change an answer.
   */
  prepare?: (versions: readonly TemplateVersion[]) => readonly TemplateVersion[];
}): Registry {
  const grouped = new Map<TemplateId, Map<string, TemplateVersion>>();
  for (const version of versions) {
    let byVersion = grouped.get(version.id);
    if (!byVersion) {
      byVersion = new Map();
      grouped.set(version.id, byVersion);
    }
    byVersion.set(version.version, prepare ? version : freezeVersion(version));
  }
  const entries = new Map<TemplateId, TemplateEntry>();
  for (const [id, byVersion] of grouped)
    entries.set(id, indexEntry({ byVersion, labels: labels.get(id), ready: !prepare }));
  return registryOver({
    entries,
    sortedIds: [...entries.keys()].sort(),
    partials,
    ...(prepare ? { prepare } : {}),
  });
}

/** The entry of one id's loaded versions (all of the same id), labelled by `labels`; see `registryOver`. */
export function createTemplateEntry({
  versions,
  labels,
}: {
  versions: readonly TemplateVersion[];
  labels: Record<string, string> | undefined;
}): TemplateEntry {
  const byVersion = new Map<string, TemplateVersion>();
  for (const version of versions) byVersion.set(version.version, freezeVersion(version));
  return indexEntry({ byVersion, labels, ready: true });
}

function indexEntry({
  byVersion,
  labels,
  ready,
}: {
  byVersion: Map<string, TemplateVersion>;
  labels: Record<string, string> | undefined;
  ready: boolean;
}): TemplateEntry {
  // Each version parsed once, not once per comparison (semver.compare parses both sides every time).
  const parsed = [...byVersion].map(([v, version]) => ({ v, semver: parsedVersion(version) }));
  parsed.sort((a, b) => a.semver.compare(b.semver));
  const published = parsed.filter(({ v }) => byVersion.get(v)!.status === "published");
  const latest = published.findLast((p) => p.semver.prerelease.length === 0)?.v;
  return {
    versions: parsed.map(({ v }) => v),
    byVersion,
    published: published.map(({ v }) => v),
    labels: Object.freeze({ ...(labels ?? {}) }),
    ...(latest === undefined ? {} : { latest }),
    ready,
  };
}

/**
 * The registry over `entries` (`sortedIds`: their ids, sorted). With `prepare` (see `createRegistry`) the entries
 * must be its own; without, entries of loaded versions may be shared with other registries (an incremental reload
 * hands the unchanged ids' entries of the last registry to the next).
 */
export function registryOver({
  entries,
  sortedIds,
  partials,
  prepare,
}: {
  entries: ReadonlyMap<TemplateId, TemplateEntry>;
  sortedIds: readonly TemplateId[];
  partials: ReadonlyMap<string, string>;
  prepare?: (versions: readonly TemplateVersion[]) => readonly TemplateVersion[];
}): Registry {
  const ready = (entry: TemplateEntry): TemplateEntry => {
    if (entry.ready) return entry;
    // A version that failed its check stays broken: the same error again, not the whole id checked on every use.
    if (entry.failure) throw entry.failure.error;
    let prepared: readonly TemplateVersion[];
    try {
      prepared = prepare!([...entry.byVersion.values()]);
    } catch (error) {
      entry.failure = { error };
      throw error;
    }
    const keys = [...entry.byVersion.keys()];
    entry.byVersion = new Map(keys.map((key, index) => [key, freezeVersion(prepared[index]!)]));
    entry.ready = true;
    return entry;
  };
  const frozenPartials: ReadonlyMap<string, string> = new ReadOnlyMap(partials);

  const entryFor = (ref: TemplateRef): TemplateEntry => {
    const entry = entries.get(ref.id);
    if (!entry) {
      throw new TemplateNotFoundError({
        kind: "id",
        reference: formatReference(ref),
        templateId: ref.id,
        suggestions: closestMatches(ref.id, sortedIds),
      });
    }
    return entry;
  };

  // The registry never changes, so a reference string resolves to the same version every time: exact, label and
  // latest spellings are remembered as they are first resolved (at most one per version, label and id, so bounded by
  // the registry's size), ranges and other spellings in a bounded cache. Remembering on first use instead of
  // indexing every spelling up front keeps a 10,000-version load (and reload) from building some 14,000 strings.
  const byReference = new Map<string, TemplateVersion>();
  const rangeCache = new Map<string, TemplateVersion>();

  const resolve = (input: string | TemplateRef): TemplateVersion => {
    if (typeof input === "string") {
      // Anything cached was resolved once, so its entry is ready: no check on this path.
      const found = byReference.get(input) ?? rangeCache.get(input);
      if (found) return found;
      const ref = parseReference(input);
      const resolved = resolveReference(ref);
      const { selector } = ref;
      const canonical =
        selector.kind === "latest"
          ? input === ref.id || input === `${ref.id}@latest`
          : selector.kind !== "range" && input === `${ref.id}@${selector.value}`;
      if (canonical) {
        byReference.set(input, resolved);
        return resolved;
      }
      if (rangeCache.size >= RESOLVE_CACHE_SIZE) rangeCache.delete(rangeCache.keys().next().value!);
      rangeCache.set(input, resolved);
      return resolved;
    }
    return resolveReference(input);
  };

  const resolveReference = (ref: TemplateRef): TemplateVersion => {
    const entry = ready(entryFor(ref));
    const notFound = (kind: "version" | "label", detail: string, suggestions = entry.versions) =>
      new TemplateNotFoundError({
        kind,
        reference: formatReference(ref),
        templateId: ref.id,
        suggestions,
        detail,
      });
    const { selector } = ref;
    switch (selector.kind) {
      case "exact": {
        const found = entry.byVersion.get(selector.value);
        if (!found) throw notFound("version", `no version ${selector.value}`);
        return found;
      }
      case "label": {
        const version = entry.labels[selector.value];
        if (version === undefined) {
          throw notFound("label", `no label "${selector.value}"`, Object.keys(entry.labels).sort());
        }
        return entry.byVersion.get(version)!;
      }
      case "range": {
        const best = semver.maxSatisfying(entry.published, selector.value);
        if (!best) throw notFound("version", `no published version satisfies "${selector.value}"`);
        return entry.byVersion.get(best)!;
      }
      case "latest": {
        if (!entry.latest) throw notFound("version", "no published, non-prerelease version");
        return entry.byVersion.get(entry.latest)!;
      }
      default:
        // Only reachable with a hand-built TemplateRef (e.g. from untyped JSON).
        throw new InvalidReferenceError({
          reference: `${ref.id}@?`,
          position: ref.id.length + 1,
          reason: `unknown selector kind ${JSON.stringify((selector as { kind?: unknown }).kind)}; use parseReference to build references`,
        });
    }
  };

  const summary = (id: TemplateId, entry: TemplateEntry): TemplateSummary => {
    const shown = entry.byVersion.get(entry.latest ?? entry.versions[entry.versions.length - 1]!)!;
    return Object.freeze({
      id,
      description: shown.description,
      tags: shown.tags,
      owners: shown.owners,
      status: shown.status,
      versions: Object.freeze([...entry.versions]) as string[],
      labels: entry.labels,
      ...(entry.latest === undefined ? {} : { latest: entry.latest }),
    });
  };
  const summaryOf = (id: TemplateId): TemplateSummary => {
    const entry = entries.get(id)!;
    entry.summary ??= summary(id, ready(entry));
    return entry.summary;
  };

  const registry: Registry = {
    resolve,
    tryResolve(ref) {
      try {
        return resolve(ref);
      } catch (error) {
        if (TemplateNotFoundError.isInstance(error)) return undefined;
        throw error;
      }
    },
    get(id, version) {
      const entry = entries.get(id);
      return entry && ready(entry).byVersion.get(version);
    },
    ids: () => [...sortedIds],
    versions: (id) => [...(entries.get(id)?.versions ?? [])],
    labels: (id) => ({ ...(entries.get(id)?.labels ?? {}) }),
    list(filter: ListFilter = {}) {
      const listed: TemplateSummary[] = [];
      for (const id of sortedIds) {
        if (filter.idPrefix !== undefined && !id.startsWith(filter.idPrefix)) continue;
        const s = summaryOf(id);
        if (
          (filter.tag === undefined || s.tags.includes(filter.tag)) &&
          (filter.owner === undefined || s.owners.includes(filter.owner)) &&
          (filter.status === undefined || s.status === filter.status)
        )
          listed.push(s);
      }
      return listed;
    },
    partials: frozenPartials,
    *templates() {
      for (const id of sortedIds) {
        const entry = ready(entries.get(id)!);
        for (const version of entry.versions) yield entry.byVersion.get(version)!;
      }
    },
  };
  return Object.freeze(registry);
}
