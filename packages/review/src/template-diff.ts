import { isLocked, lockedContentHash, partialGraph, versionPartials } from "@promptreg/policy";
import { canonicalJson, type Registry, type TemplateStatus, type TemplateVersion } from "@promptreg/registry";
import semver from "semver";
import { compareSchemas, isBreaking, type SchemaChange, type SchemaSide } from "./schema-compat.js";
import { type DiffPart, wordDiff } from "./text-diff.js";

/** A label that points somewhere else, appeared or disappeared: `production 1.2.0 -> 1.3.0`. */
export interface LabelMove {
  label: string;
  from?: string;
  to?: string;
}

/** How a version relates to the version it succeeds. `lower`/`same`: it does not increase over it. */
export type Bump = "major" | "minor" | "patch" | "prerelease" | "same" | "lower";

export interface MessageDiff {
  index: number;
  role: string;
  change: "added" | "removed" | "changed";
  parts: DiffPart[];
}

export interface ValueChange {
  key: string;
  before?: unknown;
  after?: unknown;
}

export interface ClassifiedSchemaChange extends SchemaChange {
  side: SchemaSide;
  breaking: boolean;
}

/** What changed between two versions' locked content (what the model receives and what callers send and get). */
export interface VersionDiff {
  from: string;
  to: string;
  bump: Bump;
  messages: MessageDiff[];
  model?: { before: string; after: string };
  params: ValueChange[];
  fallbacks?: { before: string[]; after: string[] };
  schema: ClassifiedSchemaChange[];
  breaking: boolean;
}

export interface StatusChange {
  version: string;
  from: TemplateStatus;
  to: TemplateStatus;
}

/** Everything that changed for one template between two revisions. */
export interface TemplateChange {
  id: string;
  change: "added" | "removed" | "changed";
  versionsAdded: string[];
  versionsRemoved: string[];
  /** Versions whose status changed (deprecations included). */
  statusChanges: StatusChange[];
  /** Published or deprecated versions (at the base) whose locked content differs at the head. */
  changedInPlace: string[];
  /** Versions whose editable fields changed (description, owners, tags, changelog, examples). */
  edited: string[];
  labelMoves: LabelMove[];
  /** Each added version against the one it succeeds, and each version changed in place against its base. */
  diffs: VersionDiff[];
  /** Partials (changed between the revisions) that the head's versions include, directly or not. */
  changedPartials: string[];
}

export interface PartialChange {
  name: string;
  change: "added" | "removed" | "changed";
  parts: DiffPart[];
}

export interface RegistryDiff {
  templates: TemplateChange[];
  partials: PartialChange[];
}

const EDITABLE = ["description", "owners", "tags", "changelog", "examples"] as const;

/** The bump from `from` to `to`; below 1.0.0 a minor bump is a major one (`^0.2` does not match 0.3.0). */
export function bumpOf(from: string, to: string): Bump {
  const order = semver.compare(to, from);
  if (order === 0) return "same";
  if (order < 0) return "lower";
  const kind = semver.diff(from, to);
  if (kind === "major" || kind === "premajor") return "major";
  if (semver.major(from) === 0 && semver.major(to) === 0 && (kind === "minor" || kind === "preminor"))
    return "major";
  if (kind === "minor" || kind === "preminor") return "minor";
  if (kind === "patch" || kind === "prepatch") return "patch";
  return "prerelease";
}

/** Word-level message diffs, aligned by position. */
function diffMessages(before: TemplateVersion, after: TemplateVersion): MessageDiff[] {
  const diffs: MessageDiff[] = [];
  const count = Math.max(before.messages.length, after.messages.length);
  for (let index = 0; index < count; index++) {
    const was = before.messages[index];
    const is = after.messages[index];
    if (was && is && was.role === is.role && was.content === is.content) continue;
    const change = !was ? "added" : !is ? "removed" : "changed";
    const parts =
      was && is && was.role === is.role
        ? wordDiff(was.content, is.content)
        : [
            ...(was ? [{ kind: "removed" as const, text: `[${was.role}] ${was.content}` }] : []),
            ...(is ? [{ kind: "added" as const, text: `[${is.role}] ${is.content}` }] : []),
          ];
    diffs.push({ index, role: (is ?? was)!.role, change, parts });
  }
  return diffs;
}

function diffValues(before: Record<string, unknown>, after: Record<string, unknown>): ValueChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys
    .filter((key) => canonicalJson(before[key] ?? null) !== canonicalJson(after[key] ?? null))
    .map((key) => ({
      key,
      ...(key in before ? { before: before[key] } : {}),
      ...(key in after ? { after: after[key] } : {}),
    }));
}

/** The diff of `after` against `before` (the version it succeeds, or the same version at the base). */
export function diffVersions(before: TemplateVersion, after: TemplateVersion): VersionDiff {
  const schema: ClassifiedSchemaChange[] = [];
  for (const [side, was, is] of [
    ["input", before.inputSchema, after.inputSchema],
    ["output", before.outputSchema, after.outputSchema],
  ] as const) {
    for (const change of compareSchemas(was, is))
      schema.push({ ...change, side, breaking: isBreaking(change, side) });
  }
  const fallbacksChanged = canonicalJson(before.model.fallbacks) !== canonicalJson(after.model.fallbacks);
  return {
    from: before.version,
    to: after.version,
    bump: bumpOf(before.version, after.version),
    messages: diffMessages(before, after),
    ...(before.model.name === after.model.name
      ? {}
      : { model: { before: before.model.name, after: after.model.name } }),
    params: diffValues(before.model.params, after.model.params),
    ...(fallbacksChanged
      ? { fallbacks: { before: before.model.fallbacks, after: after.model.fallbacks } }
      : {}),
    schema,
    breaking: schema.some((change) => change.breaking),
  };
}

/** The version `version` succeeds: the highest lower version at either revision (head's copy preferred). */
export function predecessorOf(options: {
  version: string;
  base: readonly string[];
  head: readonly string[];
}): string | undefined {
  const lower = [...new Set([...options.base, ...options.head])].filter((other) =>
    semver.lt(other, options.version),
  );
  return semver.rsort(lower)[0];
}

function labelMoves(base: Record<string, string>, head: Record<string, string>): LabelMove[] {
  return [...new Set([...Object.keys(base), ...Object.keys(head)])]
    .sort()
    .filter((label) => base[label] !== head[label])
    .map((label) => ({
      label,
      ...(base[label] === undefined ? {} : { from: base[label] }),
      ...(head[label] === undefined ? {} : { to: head[label] }),
    }));
}

function diffPartials(base: ReadonlyMap<string, string>, head: ReadonlyMap<string, string>): PartialChange[] {
  const names = [...new Set([...base.keys(), ...head.keys()])].sort();
  const changes: PartialChange[] = [];
  for (const name of names) {
    const was = base.get(name);
    const is = head.get(name);
    if (was === is) continue;
    changes.push({
      name,
      change: was === undefined ? "added" : is === undefined ? "removed" : "changed",
      parts: wordDiff(was ?? "", is ?? ""),
    });
  }
  return changes;
}

/** Which partials each version includes (directly or through other partials), over one partial graph. */
function partialUse(registry: Registry): (version: TemplateVersion) => readonly string[] {
  const graph = partialGraph(registry.partials);
  return (version) => versionPartials(version, graph);
}

function versionsOf(registry: Registry | undefined, ids: ReadonlySet<string>, id: string): TemplateVersion[] {
  if (registry === undefined || !ids.has(id)) return [];
  return registry.versions(id).map((version) => registry.get(id, version)!);
}

/**
 * Compares two registries template by template. Templates whose versions, labels and used partials are all
 * unchanged are left out, so the cost follows the size of the change, not of the registry (beyond one hash per
 * version).
 */
export function diffRegistries(options: {
  base: Registry | undefined;
  head: Registry | undefined;
}): RegistryDiff {
  const { base, head } = options;
  const partials = diffPartials(base?.partials ?? new Map(), head?.partials ?? new Map());
  const changedPartialNames = new Set(partials.map((partial) => partial.name));
  const usesHead = head ? partialUse(head) : () => [];
  const baseIds = new Set(base?.ids() ?? []);
  const headIds = new Set(head?.ids() ?? []);
  const ids = [...new Set([...baseIds, ...headIds])].sort();
  const templates: TemplateChange[] = [];
  for (const id of ids) {
    const baseVersions = versionsOf(base, baseIds, id);
    const headVersions = versionsOf(head, headIds, id);
    const baseByVersion = new Map(baseVersions.map((version) => [version.version, version]));
    const headByVersion = new Map(headVersions.map((version) => [version.version, version]));
    const change: TemplateChange = {
      id,
      change: baseVersions.length === 0 ? "added" : headVersions.length === 0 ? "removed" : "changed",
      versionsAdded: headVersions.filter((v) => !baseByVersion.has(v.version)).map((v) => v.version),
      versionsRemoved: baseVersions.filter((v) => !headByVersion.has(v.version)).map((v) => v.version),
      statusChanges: [],
      changedInPlace: [],
      edited: [],
      labelMoves: labelMoves(
        baseVersions.length ? base!.labels(id) : {},
        headVersions.length ? head!.labels(id) : {},
      ),
      diffs: [],
      changedPartials: [],
    };
    const changedPartials = new Set<string>();
    for (const after of headVersions) {
      for (const name of usesHead(after)) if (changedPartialNames.has(name)) changedPartials.add(name);
      const before = baseByVersion.get(after.version);
      if (!before) {
        const from = predecessorOf({
          version: after.version,
          base: [...baseByVersion.keys()],
          head: [...headByVersion.keys()],
        });
        const predecessor =
          from === undefined ? undefined : (headByVersion.get(from) ?? baseByVersion.get(from));
        if (predecessor) change.diffs.push(diffVersions(predecessor, after));
        continue;
      }
      if (before.status !== after.status) {
        change.statusChanges.push({ version: after.version, from: before.status, to: after.status });
      }
      if (before.hash === after.hash) continue;
      if (lockedContentHash(before) !== lockedContentHash(after)) {
        if (isLocked(before)) change.changedInPlace.push(after.version);
        change.diffs.push(diffVersions(before, after));
      }
      if (EDITABLE.some((key) => canonicalJson(before[key]) !== canonicalJson(after[key]))) {
        change.edited.push(after.version);
      }
    }
    change.changedPartials = [...changedPartials].sort();
    const touched =
      change.change !== "changed" ||
      change.versionsAdded.length + change.versionsRemoved.length + change.statusChanges.length > 0 ||
      change.diffs.length + change.edited.length + change.labelMoves.length + change.changedPartials.length >
        0;
    if (touched) templates.push(change);
  }
  return { templates, partials };
}
