// The generated pages of this repository's own templates/: every version, schema field, example render and snippet
// is on its template's page, and the markdown is safe for VitePress (no Vue interpolation, no broken HTML blocks).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadRegistryFromDir, type Registry } from "@promptreg/registry";
import { beforeAll, describe, expect, it } from "vitest";
import { type DocsAnalysis, wordDiff } from "./analysis.js";
import { catalogPage } from "./catalog-page.js";
import { callSnippets } from "./how-to-call.js";
import { escapeHtml } from "./html.js";
import { schemaRows } from "./schema-table.js";
import { buildSiteData, type SiteData } from "./site-data.js";
import { registryPages } from "./site-pages.js";
import { templatePage } from "./template-page.js";

const TEMPLATES = fileURLToPath(new URL("../../../templates/", import.meta.url));
let registry: Registry;
let site: SiteData;

beforeAll(async () => {
  registry = await loadRegistryFromDir(path.resolve(TEMPLATES));
  site = buildSiteData(registry);
});

/** Lines of the page outside fenced code blocks (where Vue would compile `{{ }}`). */
function outsideFences(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    const match = /^(`{3,})/.exec(line);
    if (fence) {
      if (line === fence) fence = undefined;
    } else if (match) fence = match[1];
    else lines.push(line);
  }
  return lines;
}

describe("template pages", () => {
  it("has one page per template plus the catalog, at catalog/<id>", () => {
    expect(registryPages(site).map((page) => page.path)).toEqual([
      "catalog/index",
      ...registry.ids().map((id) => `catalog/${id}`),
    ]);
  });

  it("shows every version with its status, changelog, schema fields, model, fallbacks and every example rendered", () => {
    for (const template of site.templates) {
      const page = templatePage(template, site);
      for (const view of template.versions) {
        const version = view.version;
        expect(page, `${template.id}@${version.version}`).toContain(`## ${version.version}`);
        expect(page).toContain(escapeHtml(version.changelog));
        expect(page).toContain(escapeHtml(version.model.name));
        for (const fallback of version.model.fallbacks) expect(page).toContain(escapeHtml(fallback));
        for (const row of schemaRows(version.inputSchema))
          expect(page).toContain(`<code>${escapeHtml(row.field)}</code>`);
        for (const example of view.examples) {
          expect(example.renderError, `${template.id}@${version.version} ${example.name}`).toBeUndefined();
          expect(page).toContain(`#### ${example.name} {#`);
          for (const message of example.messages!) expect(page).toContain(message.content.replace(/\n$/, ""));
        }
      }
      const snippets = callSnippets(template);
      expect(page).toContain(snippets.curl);
      expect(page).toContain(snippets.clientSdk);
      expect(page).toContain(snippets.openAiSdk);
    }
  });

  it("marks deprecated versions and the breaking changes of summarize-ticket 2.0.0 with the review's classifier, and diffs the prompts", () => {
    const template = site.templates.find((entry) => entry.id === "support/summarize-ticket")!;
    const page = templatePage(template, site);
    expect(page).toContain("::: warning Deprecated\n1.0.0 is deprecated");
    const v2 = page.slice(page.indexOf("### Changes from 1.1.0"));
    // 2.0.0 replaced the required `ticket` input by a required `messages` thread: two breaking input changes.
    expect(v2).toMatch(
      /^### Changes from 1\.1\.0 \{#v-2-0-0-changes\}\n\n::: danger Breaking\n2 breaking change\(s\) for callers\./,
    );
    expect(v2).toContain(
      '<span class="breaking">breaking</span></td><td>input</td><td><code>ticket</code></td><td>property removed</td>',
    );
    expect(v2).toContain(
      '<span class="breaking">breaking</span></td><td>input</td><td><code>messages</code></td><td>now required</td>',
    );
    // The review's estimator is on by default: tokens per example and the per-version chart.
    expect(page).toContain("## Estimated prompt size per version {#estimates}");
    const v11 = page.slice(page.indexOf("### Changes from 1.0.0"));
    expect(v11).toMatch(/::: tip Compatible/);
    expect(v2).toContain("<ins>");
    expect(v2).toContain("<del>");
    // 1.1.0's examples rendered with 1.0.0 and 1.1.0; 2.0.0's thread input does not fit 1.1.0 (ticket required).
    expect(v11).toContain("example legacy-input-without-tier, rendered with 1.0.0 and with 1.1.0");
    expect(v2).toContain("example single-message: its input does not render with 1.1.0");
  });

  it("uses a plugged-in classifier and estimator instead of the semver fallback", () => {
    const analysis: DocsAnalysis = {
      diffText: wordDiff,
      classifyChanges: (before, after) =>
        before.version === "1.1.0" && after.version === "2.0.0"
          ? [{ side: "input", path: "ticket", description: "required field removed", breaking: true }]
          : [],
      estimatePrompt: ({ messages }) => ({
        promptTokens: messages.reduce((sum, message) => sum + message.content.length, 0),
        costUsd: null,
      }),
    };
    const classified = buildSiteData(registry, analysis);
    const template = classified.templates.find((entry) => entry.id === "support/summarize-ticket")!;
    const page = templatePage(template, classified);
    expect(page).toContain("::: danger Breaking\n1 breaking change(s) for callers.");
    expect(page).toContain(
      '<span class="breaking">breaking</span></td><td>input</td><td><code>ticket</code></td><td>required field removed</td>',
    );
    expect(page).toContain("Input and output schemas unchanged.");
    expect(page).toContain("## Estimated prompt size per version {#estimates}");
    const example = template.versions[0]!.examples[0]!;
    expect(page).toContain(`<strong>${example.estimate!.promptTokens} tokens</strong>, unknown price`);
  });

  it("falls back to semantic versioning when no classifier is plugged in, and shows no estimates", () => {
    const plain = buildSiteData(registry, { diffText: wordDiff });
    const template = plain.templates.find((entry) => entry.id === "support/summarize-ticket")!;
    const page = templatePage(template, plain);
    expect(page.slice(page.indexOf("### Changes from 1.1.0"))).toMatch(
      /^### Changes from 1\.1\.0 \{#v-2-0-0-changes\}\n\n::: danger Breaking\nMajor version 1 → 2/,
    );
    expect(page).not.toContain("{#estimates}");
  });

  it("keeps Handlebars and HTML in templates inert: every {{ and < outside code fences is inside a v-pre element or escaped", () => {
    for (const page of registryPages(site)) {
      for (const line of outsideFences(page.content)) {
        if (line.includes("{{")) expect(line, page.path).toMatch(/^<(table|pre|p|figure) v-pre/);
        if (line.startsWith("<") && !line.startsWith("<CatalogFilter"))
          expect(line, page.path).toMatch(/^<[a-z]+ v-pre|^<p class="(message-role|diff-title)">/);
      }
    }
  });

  it("lists every template in the catalog with its owners, tags, status and labels as filter data", () => {
    const catalog = catalogPage(site);
    for (const template of site.templates) {
      expect(catalog).toContain(`<a href="${template.id}.html">${template.id}</a>`);
      expect(catalog).toContain(`data-owners="${template.summary.owners.join(" ")}"`);
      expect(catalog).toContain(`data-labels="${Object.keys(template.labels).join(" ")}"`);
    }
    expect(catalog).toContain(
      `${site.templates.length} templates, ${[...registry.templates()].length} versions`,
    );
  });
});
