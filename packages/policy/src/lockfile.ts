import type { Registry, TemplateVersion } from "@promptreg/registry";
import { RULE_CODES } from "./rule-codes.js";
import type { RuleFinding } from "./rule-finding.js";
import {
  isLocked,
  lockedContentHash,
  partialContentHash,
  partialGraph,
  versionPartials,
} from "./version-content.js";

/**
 * The lockfile (`templates/promptreg.lock`) records, for every published and deprecated version, the hash of its
 * locked content and the partials it includes, and the hash of each of those partials. One entry per line, sorted,
 * so a pull request's lock diff reads as "this version was published" or "this hash changed":
 *
 *     # comments
 *     promptreg-lock 1
 *     partial safety/untrusted-input sha256:<64 hex>
 *     version support/summarize-ticket@1.1.0 sha256:<64 hex> uses format/json-only,safety/untrusted-input
 */
export const LOCK_FORMAT = "promptreg-lock 1";

export interface LockedVersion {
  hash: string;
  /** Partials the version includes (transitively), sorted. */
  uses: string[];
  /** 1-based line in the lockfile it was read from (0 when built in memory). */
  line: number;
}

export interface LockedPartial {
  hash: string;
  line: number;
}

export interface Lock {
  /** `id@version` -> entry. */
  versions: Map<string, LockedVersion>;
  partials: Map<string, LockedPartial>;
}

const HEADER = [
  "# promptreg.lock: the content hashes of published versions and of the partials they include.",
  "# Written by `promptreg lock`, checked by `promptreg validate`; do not edit by hand.",
  "# A published version never changes: to change a prompt, add a new version (docs/rules.md#the-lockfile).",
];

const HASH = /^sha256:[0-9a-f]{64}$/;
const NAME = /^[^\s,]+$/;

function refOf(version: Pick<TemplateVersion, "id" | "version">): string {
  return `${version.id}@${version.version}`;
}

/** The lock of a registry: every non-draft version and every partial those versions include. */
export function buildLock(registry: Pick<Registry, "templates" | "partials">): Lock {
  const graph = partialGraph(registry.partials);
  const versions = new Map<string, LockedVersion>();
  const partials = new Map<string, LockedPartial>();
  for (const version of registry.templates()) {
    if (!isLocked(version)) continue;
    const uses = versionPartials(version, graph);
    versions.set(refOf(version), { hash: lockedContentHash(version), uses, line: 0 });
    for (const name of uses) {
      const source = registry.partials.get(name);
      if (source !== undefined && !partials.has(name)) {
        partials.set(name, { hash: partialContentHash(source), line: 0 });
      }
    }
  }
  return { versions, partials };
}

/** The lockfile text of `lock`: header, format line, partials, then versions, each sorted. */
export function formatLock(lock: Lock): string {
  const byName = <T>(entries: Map<string, T>) =>
    [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const lines = [...HEADER, LOCK_FORMAT];
  for (const [name, { hash }] of byName(lock.partials)) lines.push(`partial ${name} ${hash}`);
  for (const [ref, { hash, uses }] of byName(lock.versions)) {
    lines.push(`version ${ref} ${hash}${uses.length > 0 ? ` uses ${uses.join(",")}` : ""}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Reads a lockfile. Lines it cannot read become `lock_invalid` findings (with line and column) and are skipped,
 * so one bad line does not hide the checks of the others.
 */
export function parseLock({ text, file }: { text: string; file: string }): {
  lock: Lock;
  findings: RuleFinding[];
} {
  const lock: Lock = { versions: new Map(), partials: new Map() };
  const findings: RuleFinding[] = [];
  const invalid = (line: number, column: number, message: string) =>
    findings.push({
      code: RULE_CODES.LOCK_INVALID,
      file,
      line,
      column,
      message: `${message} Regenerate the file with \`promptreg lock\`.`,
    });
  let sawFormat = false;
  text.split("\n").forEach((raw, index) => {
    const line = index + 1;
    const content = raw.replace(/\r$/, "");
    if (content.trim() === "" || content.trimStart().startsWith("#")) return;
    if (content === LOCK_FORMAT) {
      sawFormat = true;
      return;
    }
    const fields = content.split(" ");
    const column = (field: number) => fields.slice(0, field).join(" ").length + (field > 0 ? 2 : 1);
    const [kind, name, hash, usesKeyword, uses, ...extra] = fields;
    if (kind !== "partial" && kind !== "version") {
      invalid(
        line,
        1,
        `Expected "partial <name> <hash>" or "version <id>@<version> <hash> [uses a,b]", got "${content.slice(0, 80)}".`,
      );
      return;
    }
    if (name === undefined || !NAME.test(name) || (kind === "version" && !/^[^@]+@[^@]+$/.test(name))) {
      invalid(
        line,
        column(1),
        `A ${kind} line needs a ${kind === "version" ? "<id>@<version>" : "partial name"} after "${kind}".`,
      );
      return;
    }
    if (hash === undefined || !HASH.test(hash)) {
      invalid(line, column(2), `Expected a hash of the form sha256:<64 hex digits> for ${name}.`);
      return;
    }
    const usesList =
      kind === "version" && usesKeyword === "uses" && uses !== undefined ? uses.split(",") : [];
    const trailingOk =
      extra.length === 0 &&
      (usesKeyword === undefined ||
        (kind === "version" && usesKeyword === "uses" && usesList.every((entry) => NAME.test(entry))));
    if (!trailingOk) {
      invalid(line, column(3), `Unexpected text after the hash of ${name}.`);
      return;
    }
    const entries: Map<string, unknown> = kind === "version" ? lock.versions : lock.partials;
    const previous = entries.get(name) as { line: number } | undefined;
    if (previous) {
      invalid(line, column(1), `${name} is listed twice (first on line ${previous.line}).`);
      return;
    }
    if (kind === "version") lock.versions.set(name, { hash, uses: usesList, line });
    else lock.partials.set(name, { hash, line });
  });
  if (!sawFormat && (lock.versions.size > 0 || lock.partials.size > 0 || text.trim() !== "")) {
    invalid(1, 1, `The line "${LOCK_FORMAT}" is missing, so this is not a lockfile promptreg can read.`);
  }
  return { lock, findings };
}

/**
 * Checks a tree against its lockfile: every non-draft version is locked with the same content hash, every
 * partial they include still has its locked hash, and no entry names a version the tree no longer publishes.
 * `lockText` undefined means there is no lockfile. `lockFile` is the lockfile's path relative to the template
 * root (findings about it point there; findings about a version point at the version's file).
 */
export function checkLock(options: {
  registry: Pick<Registry, "templates" | "partials">;
  lockText: string | undefined;
  lockFile: string;
}): RuleFinding[] {
  const { registry, lockText, lockFile } = options;
  const current = buildLock(registry);
  if (lockText === undefined) {
    if (current.versions.size === 0) return [];
    return [
      {
        code: RULE_CODES.LOCK_FILE_MISSING,
        file: lockFile,
        line: 1,
        column: 1,
        message: `${current.versions.size} published version${current.versions.size === 1 ? " is" : "s are"} not locked: there is no ${lockFile}. Run \`promptreg lock\` and commit the file, so a published version cannot change unnoticed.`,
      },
    ];
  }
  const { lock, findings } = parseLock({ text: lockText, file: lockFile });
  const files = new Map<string, string>();
  for (const version of registry.templates()) files.set(refOf(version), version.source.path);

  const changedPartials = new Map<string, string[]>();
  for (const [ref, entry] of current.versions) {
    const locked = lock.versions.get(ref);
    const file = files.get(ref)!;
    if (!locked) {
      findings.push({
        code: RULE_CODES.LOCK_VERSION_MISSING,
        file,
        line: 1,
        column: 1,
        message: `${ref} is published but not in ${lockFile}. Run \`promptreg lock\` and commit the lockfile with this version.`,
        ref,
      });
      continue;
    }
    if (locked.hash !== entry.hash) {
      findings.push({
        code: RULE_CODES.PUBLISHED_CHANGED_IN_PLACE,
        file,
        line: 1,
        column: 1,
        message: `${ref} is published, but its model, messages or schemas no longer match ${lockFile}:${locked.line}. Published versions are immutable: restore this file and put the change in a new version (status, description, owners, tags, changelog and examples may change in place).`,
        ref,
      });
      continue;
    }
    for (const name of entry.uses) {
      const lockedPartial = lock.partials.get(name);
      if (lockedPartial?.hash === current.partials.get(name)?.hash) continue;
      changedPartials.set(name, [...(changedPartials.get(name) ?? []), ref]);
    }
  }
  for (const [name, refs] of changedPartials) {
    const locked = lock.partials.get(name);
    const shown = refs.slice(0, 5).join(", ") + (refs.length > 5 ? ` and ${refs.length - 5} more` : "");
    findings.push({
      code: RULE_CODES.PUBLISHED_PARTIAL_CHANGED,
      file: `_partials/${name}.hbs`,
      line: 1,
      column: 1,
      message: `Partial "${name}" ${locked ? `changed since ${lockFile}:${locked.line}` : `is not in ${lockFile}`}, and published versions include it, so their prompts changed in place: ${shown}. Restore it and put the new text in a new partial used by new versions, or, if every one of them should change, run \`promptreg lock --allow-changed\` and say so in the pull request.`,
    });
  }
  for (const [ref, locked] of lock.versions) {
    if (current.versions.has(ref)) continue;
    const draft = files.has(ref);
    findings.push({
      code: RULE_CODES.LOCK_ENTRY_STALE,
      file: lockFile,
      line: locked.line,
      column: 1,
      message: draft
        ? `${ref} is locked as published but is a draft now; a published version cannot go back to draft. Restore its status (or deprecate it).`
        : `${ref} is locked but no longer in the tree; exact references to it now fail. Restore the file (deprecate it instead of deleting it), or run \`promptreg lock\` if the removal is deliberate.`,
    });
  }
  return findings;
}

/** What `promptreg lock` would change: entries added, removed, and entries whose hash changed. */
export interface LockUpdate {
  text: string;
  added: string[];
  removed: string[];
  /** Versions (`id@version`) and partials (`partial <name>`) whose locked hash differs. */
  changed: string[];
}

/** The new lockfile text for a registry, compared with the previous lockfile (undefined when there is none). */
export function updateLock(options: {
  registry: Pick<Registry, "templates" | "partials">;
  previousText: string | undefined;
}): LockUpdate {
  const next = buildLock(options.registry);
  const previous =
    options.previousText === undefined
      ? { versions: new Map(), partials: new Map() }
      : parseLock({ text: options.previousText, file: "promptreg.lock" }).lock;
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  for (const [ref, entry] of next.versions) {
    const before = previous.versions.get(ref);
    if (!before) added.push(ref);
    else if (before.hash !== entry.hash) changed.push(ref);
  }
  for (const ref of previous.versions.keys()) if (!next.versions.has(ref)) removed.push(ref);
  for (const [name, entry] of next.partials) {
    const before = previous.partials.get(name);
    if (before && before.hash !== entry.hash) changed.push(`partial ${name}`);
  }
  return { text: formatLock(next), added, removed, changed };
}
