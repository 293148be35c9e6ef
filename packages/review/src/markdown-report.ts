import type { ExampleRender } from "./example-renders.js";
import type { PolicyResult, ReviewFinding, ReviewReport, TemplateReview, VersionReview } from "./review.js";
import type { DiffPart } from "./text-diff.js";
import { lineDiffBlock } from "./text-diff.js";

/**
 * GitHub refuses comments over 65,536 characters. Past this budget the report keeps its summary table and findings
 * but leaves out the remaining rendered diffs, then the remaining templates' details (the JSON report has them all).
 */
export const MARKDOWN_BUDGET_CHARS = 60_000;

const POLICY_MARK: Record<PolicyResult, string> = {
  pass: "✅ pass",
  warning: "⚠️ warning",
  error: "❌ error",
};

/** Text for a table cell or summary line: no pipes, HTML or newlines that would break the layout. */
function cell(text: string): string {
  return escapeHtml(text).replaceAll("|", "\\|").replaceAll("\n", " ");
}

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** A fenced block whose fence is longer than any backtick run inside, so prompt text cannot close it. */
function fenced(language: string, body: string): string {
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${body}\n${fence}`;
}

function code(text: string): string {
  const clean = text.replaceAll("\n", " ");
  return clean.includes("`") ? `<code>${escapeHtml(clean)}</code>` : `\`${clean}\``;
}

function signed(value: number): string {
  return value > 0 ? `+${value}` : `${value}`;
}

function usd(value: number): string {
  const sign = value > 0 ? "+" : value < 0 ? "-" : "±";
  return `${sign}$${Math.abs(value).toFixed(6)}`;
}

/** One line naming what changed for a template: versions, statuses, labels, partials. */
export function describeChange(template: TemplateReview): string {
  const parts: string[] = [];
  if (template.change === "added") parts.push("new template");
  if (template.change === "removed") parts.push("template removed");
  if (template.versionsAdded.length) parts.push(`${template.versionsAdded.join(", ")} added`);
  if (template.versionsRemoved.length && template.change !== "removed")
    parts.push(`${template.versionsRemoved.join(", ")} removed`);
  for (const status of template.statusChanges) parts.push(`${status.version} ${status.from} → ${status.to}`);
  if (template.changedInPlace.length) parts.push(`${template.changedInPlace.join(", ")} changed in place`);
  for (const move of template.labelMoves)
    parts.push(`${move.label} ${move.from ?? "(none)"} → ${move.to ?? "(removed)"}`);
  if (template.changedPartials.length) parts.push(`partial ${template.changedPartials.join(", ")} changed`);
  if (template.edited.length && parts.length === 0)
    parts.push(`${template.edited.join(", ")} docs/examples edited`);
  return parts.join("; ") || "changed";
}

/** Word-level diff as HTML GitHub renders: removed words struck through, added words underlined. */
function wordDiffHtml(parts: readonly DiffPart[]): string {
  const body = parts
    .map((part) => {
      const text = escapeHtml(part.text);
      return part.kind === "added"
        ? `<ins>${text}</ins>`
        : part.kind === "removed"
          ? `<del>${text}</del>`
          : text;
    })
    .join("");
  return `<pre>${body}</pre>`;
}

function textsOf(parts: readonly DiffPart[]): { before: string; after: string } {
  return {
    before: parts
      .filter((part) => part.kind !== "added")
      .map((part) => part.text)
      .join(""),
    after: parts
      .filter((part) => part.kind !== "removed")
      .map((part) => part.text)
      .join(""),
  };
}

function findingLine(finding: ReviewFinding): string {
  const mark = finding.severity === "error" ? "❌" : "⚠️";
  return `- ${mark} \`${finding.code}\` ${code(`${finding.file}:${finding.line}:${finding.column}`)}: ${cell(finding.message)}`;
}

function renderSection(render: ExampleRender, withDiff: boolean): string[] {
  const lines: string[] = [];
  const tokens =
    render.before && render.after
      ? `${render.before.promptTokens} → ${render.after.promptTokens} prompt tokens (${signed(render.tokenDelta!)})`
      : render.after
        ? `${render.after.promptTokens} prompt tokens`
        : "not rendered";
  const cost = render.costDeltaUsd === null ? "" : `, ${usd(render.costDeltaUsd)} per call`;
  lines.push(`**Example \`${render.example}\`**: ${tokens}${cost}`);
  if (render.beforeError) lines.push(`> before: not rendered: ${cell(render.beforeError)}`);
  if (render.afterError) lines.push(`> after: not rendered: ${cell(render.afterError)}`);
  if (render.diff === "") lines.push("", "_Rendered prompt unchanged._");
  else if (withDiff) lines.push("", fenced("diff", render.diff));
  else
    lines.push(
      "",
      "_Rendered diff left out to keep the comment under GitHub's size limit; see the JSON report._",
    );
  lines.push("");
  return lines;
}

function versionSection(review: VersionReview, withDiffs: boolean): string[] {
  const lines: string[] = [];
  const against = review.diff && review.diff.from !== review.version ? `, against ${review.diff.from}` : "";
  const kind = {
    new: "new version",
    changed_in_place: "changed in place",
    partial_changed: "re-rendered: a partial it includes changed",
  }[review.kind];
  lines.push(
    `#### ${review.version} (${kind}${against}${review.diff && review.kind === "new" ? `, ${review.diff.bump} bump` : ""})`,
    "",
  );
  const diff = review.diff;
  if (diff) {
    if (diff.model) lines.push(`- model: ${code(diff.model.before)} → ${code(diff.model.after)}`);
    for (const param of diff.params) {
      lines.push(
        `- param ${code(param.key)}: ${code(JSON.stringify(param.before) ?? "(unset)")} → ${code(JSON.stringify(param.after) ?? "(unset)")}`,
      );
    }
    if (diff.fallbacks)
      lines.push(
        `- fallbacks: ${code(diff.fallbacks.before.join(", ") || "(none)")} → ${code(diff.fallbacks.after.join(", ") || "(none)")}`,
      );
    if (diff.model || diff.params.length || diff.fallbacks) lines.push("");
    if (diff.schema.length) {
      lines.push("| contract | path | change | breaking |", "| --- | --- | --- | --- |");
      for (const change of diff.schema) {
        lines.push(
          `| ${change.side} | ${code(change.path)} | ${cell(change.detail)} | ${change.breaking ? "**yes**" : "no"} |`,
        );
      }
      lines.push("");
    }
    for (const message of diff.messages) {
      lines.push(
        `Message ${message.index + 1} (${message.role}, ${message.change}), word by word:`,
        "",
        wordDiffHtml(message.parts),
        "",
      );
    }
  }
  for (const render of review.renders) lines.push(...renderSection(render, withDiffs));
  return lines;
}

function templateDetails(template: TemplateReview, withDiffs: boolean): string[] {
  const summary = `<b>${escapeHtml(template.id)}</b>: ${cell(describeChange(template))}${template.breaking ? " (breaking)" : ""} ${POLICY_MARK[template.policy]}`;
  const lines = ["<details>", `<summary>${summary}</summary>`, ""];
  for (const review of template.versions) lines.push(...versionSection(review, withDiffs));
  if (template.versions.length === 0)
    lines.push("_No version to render (removed, or only labels and statuses changed)._", "");
  lines.push("</details>", "");
  return lines;
}

function build(report: ReviewReport, budget: number): string {
  const { summary } = report;
  const lines: string[] = [];
  const short = (side: ReviewReport["base"]) =>
    side.commit ? `${side.name} (${side.commit.slice(0, 7)})` : side.name;
  lines.push(`## promptreg review: ${cell(short(report.base))} → ${cell(short(report.head))}`, "");
  const verdict = report.ok
    ? summary.warnings > 0
      ? `⚠️ **Policy passed with ${summary.warnings} warning${summary.warnings === 1 ? "" : "s"}**`
      : "✅ **Policy passed**"
    : `❌ **Policy failed: ${summary.errors} error${summary.errors === 1 ? "" : "s"}${summary.warnings ? `, ${summary.warnings} warning${summary.warnings === 1 ? "" : "s"}` : ""}**`;
  const cost = summary.costDeltaUsd === null ? "" : ` (${usd(summary.costDeltaUsd)} over all examples)`;
  lines.push(
    `${verdict} · ${summary.templates} template${summary.templates === 1 ? "" : "s"} changed · ${summary.breaking} breaking · prompt tokens ${signed(summary.tokenDelta)}${cost}`,
    "",
  );
  if (report.templates.length > 0) {
    lines.push("| template | change | bump | breaking | policy |", "| --- | --- | --- | --- | --- |");
    for (const template of report.templates) {
      lines.push(
        `| ${code(template.id)} | ${cell(describeChange(template))} | ${template.bump ?? "–"} | ${template.breaking ? "**yes**" : "no"} | ${POLICY_MARK[template.policy]} |`,
      );
    }
    lines.push("");
  } else {
    lines.push("No template changed.", "");
  }
  const problems = [...report.loadProblems.head, ...report.validation];
  if (report.findings.length || problems.length || report.loadProblems.base.length) {
    lines.push("### Policy and validation", "");
    for (const finding of report.findings) lines.push(findingLine(finding));
    for (const problem of problems) lines.push(findingLine(problem));
    for (const problem of report.loadProblems.base) {
      lines.push(
        `- ℹ️ base does not load: ${code(`${problem.file}:${problem.line}:${problem.column}`)}: ${cell(problem.message)}`,
      );
    }
    lines.push("");
  }
  for (const partial of report.partials) {
    const { before, after } = textsOf(partial.parts);
    lines.push(
      `<details>`,
      `<summary>partial <b>${escapeHtml(partial.name)}</b> ${partial.change}</summary>`,
      "",
    );
    lines.push(fenced("diff", lineDiffBlock({ before, after })), "", "</details>", "");
  }
  let text = lines.join("\n");
  let left = 0;
  for (const template of report.templates) {
    const full = templateDetails(template, true).join("\n");
    const short = text.length + full.length <= budget ? full : templateDetails(template, false).join("\n");
    if (text.length + short.length > budget) left++;
    else text += `\n${short}`;
  }
  if (left > 0) {
    text += `\n_The details of ${left} more template${left === 1 ? "" : "s"} (listed in the table above) are left out to keep the comment under GitHub's size limit; see the JSON report (\`--format json\`)._\n`;
  }
  return `${text.trimEnd()}\n`;
}

/**
 * The review as GitHub-flavoured markdown for a pull request comment: a summary table first (template, change,
 * bump, breaking, policy), the findings, then each template folded in `<details>` with its contract changes,
 * word-level message diffs and every rendered example as a ```diff block.
 */
export function formatMarkdown(
  report: ReviewReport,
  { budget = MARKDOWN_BUDGET_CHARS }: { budget?: number } = {},
): string {
  return build(report, budget);
}
