import { isLocked, partialGraph, RULE_CODES, type RuleFinding, versionPartials } from "@promptreg/policy";
import { parseYamlSource, type Registry, type TemplateStore } from "@promptreg/registry";
import semver from "semver";
import type { RegistryDiff } from "./template-diff.js";
import { bumpOf } from "./template-diff.js";

/** The side of a review a rule looks at. */
export interface PolicySide {
  name: string;
  registry?: Registry | undefined;
  store: TemplateStore;
}

const MIGRATION_NOTE = /migrat/i;

function at(file: string, line = 1, column = 1) {
  return { file, line, column };
}

function versionFile(id: string, version: string): string {
  return `${id}/${version}.yaml`;
}

/** label -> version as written in `<id>/labels.yaml`, with each label's position; empty when unreadable. */
async function readLabels(
  store: TemplateStore,
  file: string,
): Promise<{ label: string; version: string; line: number; column: number }[]> {
  const text = await store.read(file).catch(() => undefined);
  if (text === undefined) return [];
  const parsed = parseYamlSource({ text, file });
  if (!parsed.ok || typeof parsed.value !== "object" || parsed.value === null) return [];
  return Object.entries(parsed.value as Record<string, unknown>)
    .filter((entry): entry is [string, string] => typeof entry[1] === "string")
    .map(([label, version]) => ({ label, version, ...parsed.locator.locate([label], { key: true }) }));
}

/**
 * The rules that need two revisions: published content changed in place (versions and partials), breaking changes
 * without a major bump, versions that do not increase, labels moved across a major without a migration note,
 * labels pointing at missing, draft or removed versions. Findings name the head's files (relative to the template
 * root) and the version they are about; the repository's settings decide their severity (`applyRuleSettings`).
 */
export async function checkReviewPolicy(options: {
  base: PolicySide;
  head: PolicySide;
  diff: RegistryDiff;
}): Promise<RuleFinding[]> {
  const { base, head, diff } = options;
  const findings: RuleFinding[] = [];
  const headVersionFiles = new Set(
    (await head.store.list()).filter((file) => file.kind === "template").map((file) => file.path),
  );
  const baseIds = new Set(base.registry?.ids() ?? []);
  for (const template of diff.templates) {
    const { id } = template;
    for (const version of template.changedInPlace) {
      findings.push({
        code: RULE_CODES.PUBLISHED_CHANGED_IN_PLACE,
        ...at(versionFile(id, version)),
        ref: `${id}@${version}`,
        message: `${id}@${version} is published at ${base.name} and what it sends to the model or accepts/returns changed in place; every caller of that exact version silently gets a different prompt. Restore it and add a new version instead.`,
      });
    }
    // Drafts are work in progress and may be renumbered; released (published or deprecated) versions are the bar.
    const released =
      base.registry && baseIds.has(id)
        ? base.registry.versions(id).filter((version) => base.registry!.get(id, version)?.status !== "draft")
        : [];
    const baseLatest = semver.rsort(released)[0];
    for (const version of template.versionsAdded) {
      if (baseLatest !== undefined && semver.lte(version, baseLatest)) {
        findings.push({
          code: RULE_CODES.VERSION_NOT_INCREASING,
          ...at(versionFile(id, version)),
          ref: `${id}@${version}`,
          message: `${id}@${version} is not above ${baseLatest}, the highest released version at ${base.name}; number new versions above it (next: ${semver.inc(baseLatest, "patch")}, ${semver.inc(baseLatest, "minor")} or ${semver.inc(baseLatest, "major")}).`,
        });
      }
    }
    for (const versionDiff of template.diffs) {
      if (versionDiff.from === versionDiff.to || !versionDiff.breaking || versionDiff.bump === "major")
        continue;
      const breaking = versionDiff.schema
        .filter((change) => change.breaking)
        .map((change) => `${change.side} ${change.path}: ${change.detail}`);
      findings.push({
        code: RULE_CODES.BREAKING_CHANGE_WITHOUT_MAJOR,
        ...at(versionFile(id, versionDiff.to)),
        ref: `${id}@${versionDiff.to}`,
        message: `${id}@${versionDiff.to} breaks callers of ${versionDiff.from} (${breaking.join("; ")}) but is a ${versionDiff.bump} bump, so callers of ^${semver.major(versionDiff.from)} get it. Make it ${semver.inc(versionDiff.from, "major")} or keep the contract compatible.`,
      });
    }
    const labelsFile = `${id}/labels.yaml`;
    const headLabels = await readLabels(head.store, labelsFile);
    const baseVersions = new Set(baseIds.has(id) ? base.registry!.versions(id) : []);
    // A label that did not move in this change was reviewed when it did (a staging label may point at a draft on
    // purpose, docs/template-format.md): only the labels this change sets are judged, besides removed versions.
    const moved = (label: string) => template.labelMoves.some((move) => move.label === label);
    for (const { label, version, line, column } of headLabels) {
      const ref = `${id}@${version}`;
      if (!headVersionFiles.has(versionFile(id, version)) && baseVersions.has(version)) {
        findings.push({
          code: RULE_CODES.REMOVED_VERSION_LABELLED,
          ...at(labelsFile, line, column),
          ref,
          message: `${id}@${version} was removed but label "${label}" still points at it, so callers of ${id}@${label} break. Move the label to a remaining version first.`,
        });
      } else if (!moved(label)) {
      } else if (!headVersionFiles.has(versionFile(id, version))) {
        findings.push({
          code: RULE_CODES.LABEL_TARGET_INVALID,
          ...at(labelsFile, line, column),
          ref,
          message: `label "${label}" of ${id} points at ${version}, which does not exist.`,
        });
      } else if (head.registry?.get(id, version)?.status === "draft") {
        findings.push({
          code: RULE_CODES.LABEL_TARGET_INVALID,
          ...at(labelsFile, line, column),
          ref,
          message: `label "${label}" of ${id} points at ${version}, a draft: callers of ${id}@${label} would get an unreviewed prompt. Publish it first.`,
        });
      }
    }
    for (const move of template.labelMoves) {
      if (move.from === undefined || move.to === undefined || bumpOf(move.from, move.to) !== "major")
        continue;
      const target = head.registry?.get(id, move.to);
      if (!target || MIGRATION_NOTE.test(target.changelog)) continue;
      const position = headLabels.find((entry) => entry.label === move.label);
      findings.push({
        code: RULE_CODES.LABEL_MAJOR_WITHOUT_MIGRATION,
        ...at(labelsFile, position?.line, position?.column),
        ref: `${id}@${move.to}`,
        message: `label "${move.label}" moves ${move.from} -> ${move.to}, across a major version, and the changelog of ${move.to} does not say how to migrate; callers of ${id}@${move.label} break like callers of ^${semver.major(move.from)}. Add a "Migration:" note to its changelog.`,
      });
    }
  }
  if (base.registry && head.registry)
    findings.push(...changedPartialFindings({ base: base.registry, head: head.registry, diff }));
  return findings;
}

/** A partial that locked versions (at the base, still present at the head) include changed under them. */
function changedPartialFindings(options: {
  base: Registry;
  head: Registry;
  diff: RegistryDiff;
}): RuleFinding[] {
  const { base, head, diff } = options;
  const changed = diff.partials
    .filter((partial) => partial.change !== "added")
    .map((partial) => partial.name);
  if (changed.length === 0) return [];
  const graph = partialGraph(base.partials);
  const users = new Map<string, string[]>(changed.map((name) => [name, []]));
  for (const version of base.templates()) {
    if (!isLocked(version) || !head.get(version.id, version.version)) continue;
    for (const name of versionPartials(version, graph))
      users.get(name)?.push(`${version.id}@${version.version}`);
  }
  return [...users]
    .filter(([, refs]) => refs.length > 0)
    .map(([name, refs]) => ({
      code: RULE_CODES.PUBLISHED_PARTIAL_CHANGED,
      ...at(`_partials/${name}.hbs`),
      message: `partial ${name} changed under ${refs.length} published version${refs.length === 1 ? "" : "s"} (${refs.slice(0, 10).join(", ")}${refs.length > 10 ? ", ..." : ""}), so their prompts changed in place. Put the new text in a new partial used by new versions.`,
    }));
}
