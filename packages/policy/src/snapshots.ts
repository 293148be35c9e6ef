import { parseYamlSource, type Registry, type TemplateVersion } from "@promptreg/registry";
import { createRenderer, RenderError } from "@promptreg/renderer";
import { stringify } from "yaml";
import { RULE_CODES } from "./rule-codes.js";
import type { RuleFinding } from "./rule-finding.js";

/** One example of a version as the model would receive it, or the code of the error its render ended in. */
export interface SnapshotExample {
  name: string;
  messages?: { role: string; content: string }[];
  error?: string;
}

/** The golden renders of one template version: every example rendered with today's helpers and partials. */
export interface VersionSnapshot {
  template: string;
  version: string;
  examples: SnapshotExample[];
}

/** Where a version's snapshot lives, relative to the snapshot folder: `<id>/<version>.yaml`. */
export function snapshotFile(version: Pick<TemplateVersion, "id" | "version">): string {
  return `${version.id}/${version.version}.yaml`;
}

/**
 * Renders every example of every version (drafts included: their renders change freely, but a change should still
 * show in review). An example that fails to render is recorded by its error code, so a fix or a new failure shows
 * up as a change too; `validate` reports the failure itself.
 */
export function renderSnapshots(registry: Registry): Map<string, VersionSnapshot> {
  const renderer = createRenderer({ registry });
  const snapshots = new Map<string, VersionSnapshot>();
  for (const version of registry.templates()) {
    const examples = version.examples.map((example): SnapshotExample => {
      try {
        const result = renderer.renderVersion(version, example.input);
        return {
          name: example.name,
          messages: result.messages.map(({ role, content }) => ({ role, content })),
        };
      } catch (error) {
        if (!RenderError.isInstance(error)) throw error;
        return { name: example.name, error: error.code };
      }
    });
    snapshots.set(snapshotFile(version), { template: version.id, version: version.version, examples });
  }
  return snapshots;
}

/** The text of a snapshot file: YAML with every message as a literal block, so a pull request diff reads as prose. */
export function formatSnapshot(snapshot: VersionSnapshot): string {
  const header =
    `# Golden renders of ${snapshot.template}@${snapshot.version}, written by \`promptreg snapshot\`. ` +
    "`promptreg validate` fails when a render no longer matches; run `promptreg snapshot` when the change is intended.\n";
  return header + stringify(snapshot, { lineWidth: 0, blockQuote: "literal" });
}

/**
 * Compares today's renders with the committed snapshot files (path relative to the snapshot folder -> text):
 * `snapshot_mismatch` names the template, version and example whose render changed (at the example in the
 * snapshot file), `snapshot_missing` a version or example without a snapshot, `snapshot_stale` a snapshot file whose
 * version no longer exists. `folder` is the snapshot folder relative to the template root, for the findings' files.
 */
export function checkSnapshots(options: {
  rendered: ReadonlyMap<string, VersionSnapshot>;
  files: ReadonlyMap<string, string>;
  folder: string;
}): RuleFinding[] {
  const { rendered, files, folder } = options;
  const findings: RuleFinding[] = [];
  const fix = "If the change is intended, run `promptreg snapshot` and commit the snapshot with it.";
  for (const [file, current] of rendered) {
    const ref = `${current.template}@${current.version}`;
    const where = `${folder}/${file}`;
    const text = files.get(file);
    if (text === undefined) {
      if (current.examples.length === 0) continue;
      findings.push({
        code: RULE_CODES.SNAPSHOT_MISSING,
        file: where,
        line: 1,
        column: 1,
        message: `${ref} has no golden renders (${where} does not exist). Run \`promptreg snapshot\` and commit the file.`,
        ref,
      });
      continue;
    }
    const parsed = parseYamlSource({ text, file: where });
    const committed = parsed.ok ? readSnapshot(parsed.value) : undefined;
    if (!parsed.ok || committed === undefined) {
      findings.push({
        code: RULE_CODES.SNAPSHOT_MISMATCH,
        file: where,
        line: parsed.ok ? 1 : (parsed.problems[0]?.line ?? 1),
        column: parsed.ok ? 1 : (parsed.problems[0]?.column ?? 1),
        message: `${where} is not a snapshot file promptreg can read. Run \`promptreg snapshot\` to rewrite it.`,
        ref,
      });
      continue;
    }
    for (const example of current.examples) {
      const index = committed.findIndex((entry) => entry.name === example.name);
      if (index === -1) {
        findings.push({
          code: RULE_CODES.SNAPSHOT_MISSING,
          file: where,
          line: 1,
          column: 1,
          message: `${ref} example "${example.name}" has no golden render in ${where}. ${fix}`,
          ref,
        });
        continue;
      }
      if (sameRender(committed[index]!, example)) continue;
      const at = parsed.locator.locate(["examples", index, "name"]);
      findings.push({
        code: RULE_CODES.SNAPSHOT_MISMATCH,
        file: where,
        ...at,
        message: `${ref} example "${example.name}" no longer renders as its snapshot: ${describeDifference(committed[index]!, example)}. A helper, partial or template change altered this prompt. ${fix}`,
        ref,
      });
    }
    for (const [index, entry] of committed.entries()) {
      if (current.examples.some((example) => example.name === entry.name)) continue;
      findings.push({
        code: RULE_CODES.SNAPSHOT_STALE,
        file: where,
        ...parsed.locator.locate(["examples", index, "name"]),
        message: `${where} has a golden render for example "${entry.name}", which ${ref} no longer has. Run \`promptreg snapshot\` to drop it.`,
        ref,
      });
    }
  }
  for (const file of files.keys()) {
    if (rendered.has(file)) continue;
    findings.push({
      code: RULE_CODES.SNAPSHOT_STALE,
      file: `${folder}/${file}`,
      line: 1,
      column: 1,
      message: `${folder}/${file} is the snapshot of a version that does not exist. Run \`promptreg snapshot\` to remove it.`,
    });
  }
  return findings;
}

function readSnapshot(value: unknown): SnapshotExample[] | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const examples = (value as { examples?: unknown }).examples;
  if (!Array.isArray(examples)) return undefined;
  const result: SnapshotExample[] = [];
  for (const entry of examples) {
    if (typeof entry !== "object" || entry === null) return undefined;
    const { name, messages, error } = entry as Record<string, unknown>;
    if (typeof name !== "string") return undefined;
    result.push({
      name,
      ...(Array.isArray(messages) ? { messages: messages as SnapshotExample["messages"] } : {}),
      ...(typeof error === "string" ? { error } : {}),
    });
  }
  return result;
}

function sameRender(committed: SnapshotExample, current: SnapshotExample): boolean {
  if (committed.error !== current.error) return false;
  const a = committed.messages ?? [];
  const b = current.messages ?? [];
  return (
    a.length === b.length &&
    a.every((message, i) => message?.role === b[i]?.role && message?.content === b[i]?.content)
  );
}

/** Which message changed first, so the reader knows where to look. */
function describeDifference(committed: SnapshotExample, current: SnapshotExample): string {
  if (current.error !== undefined) return `it now fails to render (${current.error})`;
  if (committed.error !== undefined) return `it rendered with an error (${committed.error}) and now renders`;
  const a = committed.messages ?? [];
  const b = current.messages ?? [];
  if (a.length !== b.length) return `${b.length} messages instead of ${a.length}`;
  const index = b.findIndex((message, i) => message.role !== a[i]?.role || message.content !== a[i]?.content);
  const message = b[index]!;
  return message.role !== a[index]?.role
    ? `message ${index + 1} is now a ${message.role} message`
    : `the text of message ${index + 1} (${message.role}) changed`;
}
