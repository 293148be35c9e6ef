import type { TemplateVersion } from "@promptreg/registry";
import { estimateChart } from "./estimate-chart.js";
import { callSnippets } from "./how-to-call.js";
import { anchorId, escapeHtml, fencedCode, htmlBlock } from "./html.js";
import { schemaRows, schemaTableHtml } from "./schema-table.js";
import type { SiteData, TemplateView, VersionView } from "./site-data.js";
import { diffHtml, unchanged, versionChanges } from "./version-changes.js";

/** Where a template's page lives in the site, relative to the docs root (without `.md`). */
export const templatePagePath = (id: string) => `catalog/${id}`;

/** The anchor of a version's section on its template page. */
export const versionAnchor = (version: string) => anchorId("v", version);

const code = (text: string) => `<code>${escapeHtml(text)}</code>`;
const paragraph = (html: string) => htmlBlock("p", {}, html);

function metaTable(rows: [string, string][]): string {
  const body = rows.map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${value}</td></tr>`).join("");
  return htmlBlock("table", { class: "template-meta" }, `<tbody>${body}</tbody>`);
}

function labelsHtml(template: TemplateView): string {
  const entries = Object.entries(template.labels);
  if (entries.length === 0) return "none";
  return entries
    .map(
      ([label, version]) =>
        `${code(label)} → <a href="#${versionAnchor(version)}">${escapeHtml(version)}</a>`,
    )
    .join(", ");
}

function formatUsd(value: number | null): string {
  if (value === null) return "unknown price";
  return `$${value < 0.01 ? value.toFixed(6) : value.toFixed(4)}`;
}

function schemaSection(
  title: string,
  version: TemplateVersion,
  schema: TemplateVersion["inputSchema"] | undefined,
): string[] {
  const anchor = anchorId("v", version.version, title);
  if (!schema) {
    return [
      `### ${title} {#${anchor}}`,
      "",
      paragraph("Plain text: the template declares no output schema, so the reply is returned as text."),
      "",
    ];
  }
  const rows = schemaRows(schema);
  const lines = [`### ${title} {#${anchor}}`, ""];
  if (rows.length === 0) {
    lines.push(paragraph(`A single value of type ${code(String(schema.type ?? "any"))} (JSON).`), "");
  } else {
    lines.push(schemaTableHtml(rows), "");
  }
  return lines;
}

function modelSection(version: TemplateVersion): string[] {
  const params = Object.entries(version.model.params);
  return [
    `### Model {#${anchorId("v", version.version, "model")}}`,
    "",
    metaTable([
      ["model", code(version.model.name)],
      ["fallbacks", version.model.fallbacks.map(code).join(", ") || "none"],
      [
        "params",
        params.map(([name, value]) => code(`${name}: ${JSON.stringify(value)}`)).join(", ") || "none",
      ],
    ]),
    "",
  ];
}

function examplesSection(view: VersionView): string[] {
  const lines = [`### Examples {#${anchorId("v", view.version.version, "examples")}}`, ""];
  for (const example of view.examples) {
    lines.push(`#### ${example.name} {#${anchorId("v", view.version.version, "example", example.name)}}`, "");
    if (example.description) lines.push(paragraph(escapeHtml(example.description)), "");
    if (example.estimate) {
      lines.push(
        paragraph(
          `Estimated prompt: <strong>${example.estimate.promptTokens} tokens</strong>, ${formatUsd(example.estimate.costUsd)} for ${code(view.version.model.name)}.`,
        ),
        "",
      );
    }
    lines.push("Input:", "", fencedCode("json", JSON.stringify(example.input, null, 2)), "");
    if (example.messages) {
      lines.push("Rendered messages:", "");
      for (const message of example.messages) {
        lines.push(
          `<p class="message-role">${escapeHtml(message.role)}</p>`,
          "",
          fencedCode("text", message.content),
          "",
        );
      }
    } else {
      lines.push(
        "::: danger This example does not render",
        "",
        htmlBlock("p", {}, escapeHtml(example.renderError ?? "")),
        "",
        ":::",
        "",
      );
    }
  }
  return lines;
}

function changesSection(view: VersionView, previousView: VersionView | undefined, site: SiteData): string[] {
  const anchor = anchorId("v", view.version.version, "changes");
  if (!previousView) return [`### Changes {#${anchor}}`, "", paragraph("First version."), ""];
  const changes = versionChanges(view, previousView, site.analysis);
  const lines = [
    `### Changes from ${changes.from} {#${anchor}}`,
    "",
    changes.breaking
      ? `::: danger Breaking\n${escapeHtml(changes.breakingReason)}\n:::`
      : `::: tip Compatible\n${escapeHtml(changes.breakingReason)}\n:::`,
    "",
  ];
  if (changes.schemaChanges) {
    if (changes.schemaChanges.length > 0) {
      const rows = changes.schemaChanges
        .map(
          (change) =>
            `<tr><td>${change.breaking ? '<span class="breaking">breaking</span>' : "compatible"}</td><td>${escapeHtml(change.side)}</td><td>${code(change.path)}</td><td>${escapeHtml(change.description)}</td></tr>`,
        )
        .join("");
      lines.push(
        htmlBlock(
          "table",
          { class: "schema-changes" },
          `<thead><tr><th>kind</th><th>side</th><th>path</th><th>change</th></tr></thead><tbody>${rows}</tbody>`,
        ),
        "",
      );
    } else {
      lines.push(paragraph("Input and output schemas unchanged."), "");
    }
  } else {
    lines.push(
      paragraph(
        "Schema changes are not classified on this page yet: the classifier of <code>promptreg review</code> plugs in here. Compare the input and output tables of both versions.",
      ),
      "",
    );
  }
  if (changes.model.length > 0) {
    const rows = changes.model
      .map(
        (change) =>
          `<tr><td>${code(change.field)}</td><td>${code(change.before)}</td><td>${code(change.after)}</td></tr>`,
      )
      .join("");
    lines.push(
      htmlBlock(
        "table",
        { class: "model-changes" },
        `<thead><tr><th>model setting</th><th>before</th><th>after</th></tr></thead><tbody>${rows}</tbody>`,
      ),
      "",
    );
  }
  const changedMessages = changes.messages.filter((message) => !unchanged(message.parts));
  if (changedMessages.length === 0) lines.push(paragraph("Messages unchanged."), "");
  for (const message of changedMessages) {
    lines.push(
      `<p class="diff-title">${escapeHtml(message.label)}, template source</p>`,
      "",
      diffHtml(message.parts),
      "",
    );
  }
  for (const example of changes.renderedExamples) {
    if (!example.parts) {
      lines.push(
        `<p class="diff-title">${escapeHtml(`example ${example.name}: its input does not render with ${changes.from}`)}</p>`,
        "",
        paragraph(escapeHtml(example.notOnPrevious ?? "")),
        "",
      );
      continue;
    }
    const title = unchanged(example.parts)
      ? `example ${example.name}: renders identically with ${changes.from} and ${changes.to}`
      : `example ${example.name}, rendered with ${changes.from} and with ${changes.to}`;
    lines.push(`<p class="diff-title">${escapeHtml(title)}</p>`, "");
    if (!unchanged(example.parts)) lines.push(diffHtml(example.parts), "");
  }
  return lines;
}

function versionSection(
  view: VersionView,
  previousView: VersionView | undefined,
  template: TemplateView,
  site: SiteData,
): string[] {
  const version = view.version;
  const badges = [version.version === template.summary.latest ? "latest" : undefined, ...view.labels].filter(
    (badge): badge is string => badge !== undefined,
  );
  const heading = `## ${version.version}${badges.length ? ` (${badges.join(", ")})` : ""} {#${versionAnchor(version.version)}}`;
  const lines = [heading, ""];
  if (version.status === "deprecated") {
    lines.push(
      `::: warning Deprecated\n${escapeHtml(version.version)} is deprecated: it is still served to exact references, never to ranges or \`latest\`. ${escapeHtml(version.changelog)}\n:::`,
      "",
    );
  } else if (version.status === "draft") {
    lines.push(
      `::: info Draft\nOnly an exact reference (\`${escapeHtml(template.id)}@${escapeHtml(version.version)}\`) reaches a draft.\n:::`,
      "",
    );
  }
  lines.push(
    metaTable([
      ["status", escapeHtml(version.status)],
      ["owners", version.owners.map(escapeHtml).join(", ")],
      ["tags", version.tags.map(code).join(" ")],
      ["changelog", escapeHtml(version.changelog)],
      ["hash", code(version.hash)],
      ["source", code(`templates/${version.source.path}`)],
    ]),
    "",
    ...schemaSection("Input", version, version.inputSchema),
    ...schemaSection("Output", version, version.outputSchema),
    ...modelSection(version),
    ...examplesSection(view),
    ...changesSection(view, previousView, site),
  );
  return lines;
}

function howToCallSection(template: TemplateView): string[] {
  const snippets = callSnippets(template);
  return [
    "## How to call it {#how-to-call-it}",
    "",
    // Markdown, not HTML, so VitePress resolves the links against the site's base path.
    `Calls \`${snippets.reference}\` with the input of the example \`${snippets.exampleName}\`. Every request is signed ([security](/security.md)): the SDKs sign for you ([client SDK](/client.md)), and \`promptreg sign\` ([CLI](/cli.md#promptreg-sign)) prints the headers for curl and Postman.`,
    "",
    "::: code-group",
    "",
    fencedCode("ts [client SDK]", snippets.clientSdk),
    "",
    fencedCode("ts [OpenAI SDK]", snippets.openAiSdk),
    "",
    fencedCode("bash [curl]", snippets.curl),
    "",
    fencedCode("sh [CLI]", snippets.cli),
    "",
    ":::",
    "",
  ];
}

/** The references that reach this template: latest, the shown version exactly, its major range, each label. */
function references(template: TemplateView): string[] {
  const shown = template.shown.version;
  return [
    template.id,
    `${template.id}@${shown}`,
    `${template.id}@^${shown.split(".")[0]}`,
    ...Object.keys(template.labels).map((label) => `${template.id}@${label}`),
  ];
}

/** The markdown of one template's page: overview, how to call it, then every version newest first. */
export function templatePage(template: TemplateView, site: SiteData): string {
  const shown = template.shown;
  const deprecatedNotice =
    shown.status === "deprecated"
      ? [
          `::: warning Deprecated\nThe version callers get, ${escapeHtml(shown.version)}, is deprecated. ${escapeHtml(shown.changelog)}\n:::`,
          "",
        ]
      : [];
  const chart = estimateChart(template);
  const lines = [
    "---",
    `title: ${JSON.stringify(template.id)}`,
    "outline: [2, 3]",
    "---",
    "",
    `# ${template.id}`,
    "",
    paragraph(escapeHtml(template.summary.description)),
    "",
    ...deprecatedNotice,
    metaTable([
      ["owners", template.summary.owners.map(escapeHtml).join(", ")],
      ["tags", template.summary.tags.map(code).join(" ")],
      ["status", escapeHtml(template.summary.status)],
      [
        "latest",
        template.summary.latest
          ? `<a href="#${versionAnchor(template.summary.latest)}">${escapeHtml(template.summary.latest)}</a>`
          : "none (nothing published)",
      ],
      ["labels", labelsHtml(template)],
      [
        "versions",
        template.versions
          .map(
            (view) =>
              `<a href="#${versionAnchor(view.version.version)}">${escapeHtml(view.version.version)}</a> (${escapeHtml(view.version.status)})`,
          )
          .join(", "),
      ],
    ]),
    "",
    `Back to the [catalog](/catalog/). References: ${references(template)
      .map((reference) => `\`${reference}\``)
      .join(", ")}.`,
    "",
    ...howToCallSection(template),
    ...(chart ? ["## Estimated prompt size per version {#estimates}", "", chart, ""] : []),
    ...template.versions.flatMap((view, index) =>
      versionSection(view, template.versions[index + 1], template, site),
    ),
  ];
  return `${lines.join("\n")}\n`;
}
