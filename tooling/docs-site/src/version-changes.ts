import type { TemplateVersion } from "@promptreg/registry";
import semver from "semver";
import type { DiffPart, DocsAnalysis, SchemaChange } from "./analysis.js";
import { escapeHtml, htmlBlock } from "./html.js";
import type { ExampleView, VersionView } from "./site-data.js";

/** What changed between a version and the one before it, ready to be shown. */
export interface VersionChanges {
  from: string;
  to: string;
  /** True when a classified change breaks callers or, without a classifier, when the major version went up. */
  breaking: boolean;
  /** Why `breaking` is what it is, in one sentence. */
  breakingReason: string;
  /** `undefined` when no classifier is plugged in. */
  schemaChanges?: SchemaChange[];
  model: { field: string; before: string; after: string }[];
  /** Word-level diffs of each message's Handlebars source, paired by position. */
  messages: { label: string; parts: DiffPart[] }[];
  /**
   * Each example of the newer version rendered with both versions, as a word-level diff; `notOnPrevious` when its
   * input does not render with the older version (an input change), with the reason.
   */
  renderedExamples: { name: string; parts?: DiffPart[]; notOnPrevious?: string }[];
}

const asText = (value: unknown) => (value === undefined ? "(none)" : JSON.stringify(value));

function modelChanges(before: TemplateVersion, after: TemplateVersion): VersionChanges["model"] {
  const changes: VersionChanges["model"] = [];
  if (before.model.name !== after.model.name) {
    changes.push({ field: "model", before: before.model.name, after: after.model.name });
  }
  const fallbacks = (version: TemplateVersion) => version.model.fallbacks.join(", ") || "(none)";
  if (fallbacks(before) !== fallbacks(after)) {
    changes.push({ field: "fallbacks", before: fallbacks(before), after: fallbacks(after) });
  }
  const names = [
    ...new Set([...Object.keys(before.model.params), ...Object.keys(after.model.params)]),
  ].sort();
  for (const name of names) {
    const old = asText(before.model.params[name]);
    const next = asText(after.model.params[name]);
    if (old !== next) changes.push({ field: `params.${name}`, before: old, after: next });
  }
  return changes;
}

/** The rendered messages of an example as one text, the way a reviewer reads a prompt. */
export function renderedText(example: ExampleView): string {
  if (!example.messages) return `(could not render: ${example.renderError ?? "unknown error"})`;
  return example.messages.map((message) => `[${message.role}]\n${message.content}`).join("\n\n");
}

/** What changed from `previousView` to `view`: breaking or not, model settings, prompt sources, rendered examples. */
export function versionChanges(
  view: VersionView,
  previousView: VersionView,
  analysis: DocsAnalysis,
): VersionChanges {
  const before = previousView.version;
  const after = view.version;
  const schemaChanges = analysis.classifyChanges?.(before, after);
  const majorBump = semver.major(after.version) > semver.major(before.version);
  const classifiedBreaking = schemaChanges?.some((change) => change.breaking) ?? false;
  const breaking = schemaChanges ? classifiedBreaking : majorBump;
  const breakingReason = schemaChanges
    ? classifiedBreaking
      ? `${schemaChanges.filter((change) => change.breaking).length} breaking change(s) for callers.`
      : "No change breaks callers."
    : majorBump
      ? `Major version ${semver.major(before.version)} → ${semver.major(after.version)}: breaking by semantic versioning.`
      : "Same major version: compatible by semantic versioning.";
  const count = Math.max(before.messages.length, after.messages.length);
  const messages = Array.from({ length: count }, (_, index) => {
    const old = before.messages[index];
    const next = after.messages[index];
    const role = next?.role ?? old?.role ?? "message";
    return {
      label: `message ${index + 1} (${role})`,
      parts: analysis.diffText(old?.content ?? "", next?.content ?? ""),
    };
  });
  const onPrevious = new Map((view.examplesOnPrevious ?? []).map((example) => [example.name, example]));
  const renderedExamples = view.examples.map((example): VersionChanges["renderedExamples"][number] => {
    const old = onPrevious.get(example.name);
    if (!old?.messages) return { name: example.name, notOnPrevious: old?.renderError ?? "not rendered" };
    return { name: example.name, parts: analysis.diffText(renderedText(old), renderedText(example)) };
  });
  const changes: VersionChanges = {
    from: before.version,
    to: after.version,
    breaking,
    breakingReason,
    model: modelChanges(before, after),
    messages,
    renderedExamples,
  };
  if (schemaChanges) changes.schemaChanges = schemaChanges;
  return changes;
}

/** True when a diff has no added or removed part. */
export const unchanged = (parts: DiffPart[]) => parts.every((part) => part.kind === "same");

/** A diff as `<pre>` with `<ins>`/`<del>`, so it reads like the text itself with the edits marked. */
export function diffHtml(parts: DiffPart[]): string {
  const inner = parts
    .map((part) => {
      const text = escapeHtml(part.text);
      if (part.kind === "added") return `<ins>${text}</ins>`;
      if (part.kind === "removed") return `<del>${text}</del>`;
      return text;
    })
    .join("");
  return htmlBlock("pre", { class: "prompt-diff" }, inner);
}
