import {
  applyRuleSettings,
  checkLock,
  checkSnapshots,
  lintAuthoring,
  type RuleFinding,
  renderSnapshots,
} from "@promptreg/policy";
import type { Problem, Registry, TemplateStore } from "@promptreg/registry";
import { codeownersFindings } from "./codeowners-file.js";
import { type RepositoryContext, readOptionalFile, repositoryPath, rootRelative } from "./repository.js";
import { readSnapshotFiles } from "./snapshot-files.js";

/** Template file texts by path, so rule findings point at the exact line and column. */
export async function templateSources(options: {
  registry: Pick<Registry, "templates">;
  store: TemplateStore;
}): Promise<Map<string, string>> {
  const sources = new Map<string, string>();
  for (const version of options.registry.templates()) {
    const file = version.source.path;
    if (!sources.has(file)) sources.set(file, await options.store.read(file).catch(() => ""));
  }
  return sources;
}

/**
 * The repository rules `validate` applies once the tree loads: authoring lints and the lockfile, with the
 * severities of promptreg.config.yaml. Problems name files relative to the template root.
 */
export async function runPolicyChecks(options: {
  registry: Registry;
  store: TemplateStore;
  context: RepositoryContext;
}): Promise<Problem[]> {
  const { registry, store, context } = options;
  const { rules, paths } = context.config;
  const findings: RuleFinding[] = [
    ...lintAuthoring({ registry, rules, sources: await templateSources({ registry, store }) }),
    ...checkLock({
      registry,
      lockText: await readOptionalFile(repositoryPath(context, paths.lockfile)),
      lockFile: rootRelative(context, paths.lockfile),
    }),
    ...(await snapshotFindings({ registry, context })),
    ...(await codeownersFindings({ registry, context })),
  ];
  return applyRuleSettings(findings, rules);
}

/** Golden renders: skipped entirely when every snapshot rule is off (rendering every example is the costly part). */
async function snapshotFindings(options: {
  registry: Registry;
  context: RepositoryContext;
}): Promise<RuleFinding[]> {
  const { registry, context } = options;
  const { rules, paths } = context.config;
  const codes = ["snapshot_mismatch", "snapshot_missing", "snapshot_stale"] as const;
  if (codes.every((code) => rules[code].severity === "off")) return [];
  return checkSnapshots({
    rendered: renderSnapshots(registry),
    files: await readSnapshotFiles(repositoryPath(context, paths.snapshots)),
    folder: rootRelative(context, paths.snapshots),
  });
}
