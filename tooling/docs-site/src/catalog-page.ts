import type { CatalogRowData } from "./catalog-query.js";
import { escapeHtml, htmlBlock } from "./html.js";
import type { SiteData, TemplateView } from "./site-data.js";

/** Where the catalog index lives in the site, relative to the docs root (without `.md`). */
export const CATALOG_PAGE_PATH = "catalog/index";

export function catalogRowData(template: TemplateView): CatalogRowData {
  const { summary } = template;
  return {
    id: template.id,
    search: [template.id, summary.description, ...summary.tags, ...summary.owners].join(" ").toLowerCase(),
    owners: summary.owners,
    tags: summary.tags,
    status: summary.status,
    labels: Object.keys(template.labels),
  };
}

function row(template: TemplateView): string {
  const data = catalogRowData(template);
  const { summary } = template;
  const labels = Object.entries(template.labels)
    .map(([label, version]) => `<code>${escapeHtml(label)}</code> → ${escapeHtml(version)}`)
    .join("<br>");
  // Relative to /catalog/, so the link is right under any base path without VitePress rewriting raw HTML.
  const cells = [
    `<a href="${escapeHtml(template.id)}.html">${escapeHtml(template.id)}</a>`,
    escapeHtml(summary.description),
    summary.latest ? escapeHtml(summary.latest) : "none",
    escapeHtml(summary.status),
    summary.owners.map(escapeHtml).join("<br>"),
    summary.tags.map((tag) => `<code>${escapeHtml(tag)}</code>`).join(" "),
    labels,
  ];
  const attributes = [
    `data-id="${escapeHtml(data.id)}"`,
    `data-search="${escapeHtml(data.search)}"`,
    `data-owners="${escapeHtml(data.owners.join(" "))}"`,
    `data-tags="${escapeHtml(data.tags.join(" "))}"`,
    `data-status="${escapeHtml(data.status)}"`,
    `data-labels="${escapeHtml(data.labels.join(" "))}"`,
  ].join(" ");
  return `<tr ${attributes}>${cells.map((cell) => `<td>${cell}</td>`).join("")}</tr>`;
}

/**
 * The catalog index: every template as a table row carrying its owners, tags, status and labels as data
 * attributes. The rows are plain HTML (readable without JavaScript, found by crawlers); the theme's
 * `<CatalogFilter>` only shows and hides them.
 */
export function catalogPage(site: SiteData): string {
  const header = ["template", "description", "latest", "status", "owners", "tags", "labels"]
    .map((name) => `<th>${name}</th>`)
    .join("");
  const table = htmlBlock(
    "table",
    { class: "catalog-table", "data-catalog": "" },
    `<thead><tr>${header}</tr></thead><tbody>${site.templates.map(row).join("")}</tbody>`,
  );
  const versions = site.templates.reduce((total, template) => total + template.versions.length, 0);
  return [
    "---",
    "title: Template catalog",
    "aside: false",
    "pageClass: catalog-page",
    "---",
    "",
    "# Template catalog",
    "",
    `Every template in \`templates/\`: ${site.templates.length} templates, ${versions} versions. Generated from the registry by the docs build, so it is never stale; search by any word of an id, description, tag or owner, or filter by tag, owner, status and label. The file format is in [template format](/template-format.md), how to write one that fits in is in [authoring](/templates/authoring.md).`,
    "",
    "<CatalogFilter />",
    "",
    table,
    "",
  ].join("\n");
}
