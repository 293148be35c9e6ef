import type { PriceTable } from "@promptreg/gateway";
import { applyRuleSettings, lintAuthoring, type PolicyConfig, type RuleFinding } from "@promptreg/policy";
import type { Problem, Registry, TemplateStore } from "@promptreg/registry";
import { lintRegistry } from "@promptreg/renderer";
import { type ExampleRender, RendererCache, renderExamples } from "./example-renders.js";
import { reviewPriceTable } from "./prompt-estimate.js";
import { checkReviewPolicy } from "./review-policy.js";
import type { Revision } from "./revision.js";
import {
  type Bump,
  diffRegistries,
  type PartialChange,
  type TemplateChange,
  type VersionDiff,
} from "./template-diff.js";

export const REVIEW_FORMAT = "promptreg-review 1";

/** One version the reviewer should read: a new one against its predecessor, one changed in place, or one whose partial changed. */
export interface VersionReview {
  version: string;
  kind: "new" | "changed_in_place" | "partial_changed";
  /** Absent for the first version of a template (nothing to compare with) and for partial-only changes. */
  diff?: VersionDiff;
  renders: ExampleRender[];
}

export type PolicyResult = "pass" | "warning" | "error";

export interface TemplateReview extends TemplateChange {
  /** The bump of the highest added version over the version it succeeds. */
  bump?: Bump;
  breaking: boolean;
  policy: PolicyResult;
  versions: VersionReview[];
}

/** A repository rule's finding with its configured severity and, when known, the template it is about. */
export interface ReviewFinding extends Problem {
  template?: string;
}

export interface ReviewReport {
  format: typeof REVIEW_FORMAT;
  base: { name: string; commit?: string };
  head: { name: string; commit?: string };
  /** False when a policy finding or a load/validate problem is an error: the review exits 1. */
  ok: boolean;
  summary: {
    templates: number;
    breaking: number;
    errors: number;
    warnings: number;
    /** Sum over rendered examples of after - before prompt tokens, and its price (null when unpriced). */
    tokenDelta: number;
    costDeltaUsd: number | null;
  };
  templates: TemplateReview[];
  partials: PartialChange[];
  /** Policy findings (review rules and the validate rules of changed files), with severities from the config. */
  findings: ReviewFinding[];
  /** Load and lint problems of the head in changed files (what `promptreg validate` says about them). */
  validation: Problem[];
  /** Problems that kept a revision from loading (fully or in part). */
  loadProblems: { base: Problem[]; head: Problem[] };
}

async function fileTexts(store: TemplateStore): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const file of await store.list()) {
    if (file.kind === "ignored" || file.kind === "unsafe") continue;
    texts.set(file.path, await store.read(file.path).catch(() => ""));
  }
  return texts;
}

/** Files added, removed or changed between the two stores (template, labels and partial files, relative paths). */
async function changedFiles(
  base: TemplateStore,
  head: TemplateStore,
): Promise<{ files: Set<string>; headTexts: Map<string, string> }> {
  const [before, after] = await Promise.all([fileTexts(base), fileTexts(head)]);
  const files = new Set<string>();
  for (const [path, text] of after) if (before.get(path) !== text) files.add(path);
  for (const path of before.keys()) if (!after.has(path)) files.add(path);
  return { files, headTexts: after };
}

function templateOf(file: string): string | undefined {
  const slash = file.lastIndexOf("/");
  return file.startsWith("_") || slash === -1 ? undefined : file.slice(0, slash);
}

function worst(findings: readonly Problem[]): PolicyResult {
  if (findings.some((finding) => finding.severity === "error")) return "error";
  return findings.length > 0 ? "warning" : "pass";
}

function reviewVersions(options: {
  change: TemplateChange;
  base: Registry | undefined;
  head: Registry | undefined;
  prices: PriceTable;
  renderers: RendererCache;
}): VersionReview[] {
  const { change, base, head, prices, renderers } = options;
  if (!head) return [];
  const reviews: VersionReview[] = [];
  const seen = new Set<string>();
  for (const version of change.versionsAdded) {
    const after = head.get(change.id, version)!;
    const diff = change.diffs.find((candidate) => candidate.to === version && candidate.from !== version);
    const before = diff ? (head.get(change.id, diff.from) ?? base?.get(change.id, diff.from)) : undefined;
    const beforeRegistry = diff && head.get(change.id, diff.from) ? head : base;
    reviews.push({
      version,
      kind: "new",
      ...(diff ? { diff } : {}),
      renders: renderExamples({
        before: before && beforeRegistry ? { registry: beforeRegistry, version: before } : undefined,
        after: { registry: head, version: after },
        prices,
        renderers,
      }),
    });
    seen.add(version);
  }
  const inPlace = change.diffs.filter((diff) => diff.from === diff.to);
  const partialOnly = base
    ? head
        .versions(change.id)
        .filter(
          (version) =>
            change.changedPartials.length > 0 && !seen.has(version) && base.get(change.id, version),
        )
    : [];
  for (const version of new Set([...inPlace.map((diff) => diff.to), ...partialOnly])) {
    const before = base?.get(change.id, version);
    const after = head.get(change.id, version)!;
    const diff = inPlace.find((candidate) => candidate.to === version);
    reviews.push({
      version,
      kind: diff ? "changed_in_place" : "partial_changed",
      ...(diff ? { diff } : {}),
      renders: renderExamples({
        before: before && base ? { registry: base, version: before } : undefined,
        after: { registry: head, version: after },
        prices,
        renderers,
      }),
    });
  }
  return reviews.filter(
    (review) => review.kind !== "partial_changed" || review.renders.some((render) => render.diff !== ""),
  );
}

/**
 * Reviews `head` against `base`: the per-template diff, rendered examples with token and cost estimates, the
 * review policy and the validate findings of the changed files, with the repository's rule settings and prices.
 */
export async function reviewRevisions(options: {
  base: Revision;
  head: Revision;
  config: PolicyConfig;
}): Promise<ReviewReport> {
  const { base, head, config } = options;
  const diff = diffRegistries({ base: base.registry, head: head.registry });
  const prices = reviewPriceTable(config.prices);
  const renderers = new RendererCache();
  const { files, headTexts } = await changedFiles(base.store, head.store);

  const ruleFindings: RuleFinding[] = await checkReviewPolicy({ base, head, diff });
  const validation: Problem[] = [];
  if (head.registry) {
    const authoring = lintAuthoring({ registry: head.registry, rules: config.rules, sources: headTexts });
    ruleFindings.push(...authoring.filter((finding) => files.has(finding.file)));
    validation.push(...lintRegistry(head.registry).filter((problem) => files.has(problem.file)));
  }
  validation.push(...head.problems.filter((problem) => files.has(problem.file)));
  const findings: ReviewFinding[] = applyRuleSettings(ruleFindings, config.rules).map((finding) => {
    const template = templateOf(finding.file);
    return template ? { ...finding, template } : finding;
  });

  const templates: TemplateReview[] = diff.templates.map((change) => {
    const versions = reviewVersions({ change, base: base.registry, head: head.registry, prices, renderers });
    const newest = versions.filter((review) => review.kind === "new" && review.diff).at(-1);
    const own = findings.filter((finding) => finding.template === change.id);
    const ownValidation = validation.filter((problem) => templateOf(problem.file) === change.id);
    return {
      ...change,
      ...(newest?.diff ? { bump: newest.diff.bump } : {}),
      breaking: change.diffs.some((versionDiff) => versionDiff.breaking),
      policy: worst([...own, ...ownValidation]),
      versions,
    };
  });

  const renders = templates.flatMap((template) => template.versions.flatMap((review) => review.renders));
  const errors =
    findings.filter((finding) => finding.severity === "error").length +
    validation.filter((problem) => problem.severity === "error").length +
    // A base that does not load is reported (loadProblems.base) but does not block the change that fixes it.
    (head.registry ? 0 : 1);
  const warnings =
    findings.filter((finding) => finding.severity === "warning").length +
    validation.filter((problem) => problem.severity === "warning").length;
  const costs = renders.map((render) => render.costDeltaUsd);
  return {
    format: REVIEW_FORMAT,
    base: { name: base.name, ...(base.commit ? { commit: base.commit } : {}) },
    head: { name: head.name, ...(head.commit ? { commit: head.commit } : {}) },
    ok: errors === 0 && !head.problems.some((problem) => problem.severity === "error"),
    summary: {
      templates: templates.length,
      breaking: templates.filter((template) => template.breaking).length,
      errors,
      warnings,
      tokenDelta: renders.reduce((sum, render) => sum + (render.tokenDelta ?? 0), 0),
      costDeltaUsd: costs.some((cost) => cost !== null)
        ? costs.reduce<number>((sum, cost) => sum + (cost ?? 0), 0)
        : null,
    },
    templates,
    partials: diff.partials,
    findings,
    validation,
    loadProblems: {
      base: base.problems.filter((problem) => problem.severity === "error"),
      head: head.problems.filter((problem) => problem.severity === "error"),
    },
  };
}
