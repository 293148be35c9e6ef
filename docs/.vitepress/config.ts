import { existsSync } from "node:fs";
import path from "node:path";
import { checkSiteLinks, formatBrokenLinks, resolveDocsBase } from "@promptreg/docs-site";
import { slug } from "github-slugger";
import { defineConfig, type Plugin } from "vitepress";
import { DOCS_DIR, TEMPLATES_DIR } from "./site-paths.js";

const base = resolveDocsBase(process.env.DOCS_BASE);

/**
 * VitePress 1.x re-runs a dynamic route's paths loader when the loader or one of its imports changes, but the
 * templates are read at run time, not imported. This plugin watches templates/ and reports a change of the loader
 * itself, which makes VitePress reload the generated pages (and the open page in the browser).
 */
function reloadGeneratedPagesOnTemplateEdits(): Plugin {
  const loader = path.join(DOCS_DIR, "[page].paths.ts");
  return {
    name: "promptreg:templates-watch",
    configureServer(server) {
      server.watcher.add(TEMPLATES_DIR);
      const onTemplateChange = (file: string) => {
        if (path.resolve(file).startsWith(`${TEMPLATES_DIR}${path.sep}`))
          server.watcher.emit("change", loader);
      };
      server.watcher.on("change", onTemplateChange);
      server.watcher.on("add", onTemplateChange);
      server.watcher.on("unlink", onTemplateChange);
    },
  };
}

export default defineConfig({
  title: "promptreg",
  description:
    "A registry of versioned prompt templates, and one safe, observable path from a template to a model.",
  base,
  // Without an icon, browsers ask for /favicon.ico at the host's root, outside the base path: a 404 on every page.
  head: [["link", { rel: "icon", type: "image/svg+xml", href: `${base}favicon.svg` }]],
  cleanUrls: false,
  ignoreDeadLinks: false,
  markdown: {
    // GitHub's heading ids, so an `other.md#anchor` link works both on GitHub and on this site.
    anchor: { slugify: slug },
    theme: { light: "github-light", dark: "github-dark" },
    config(md) {
      // The guides quote Handlebars (`{{ticket}}`) in inline code; VitePress compiles pages as Vue templates, which
      // would read that as an interpolation. Fenced blocks are already v-pre; inline code gets it here.
      const renderInline = md.renderer.rules.code_inline!;
      md.renderer.rules.code_inline = (tokens, index, options, env, self) =>
        renderInline(tokens, index, options, env, self).replace(/^<code/, "<code v-pre");
    },
  },
  themeConfig: {
    nav: [
      { text: "Guides", link: "/getting-started" },
      { text: "Catalog", link: "/catalog/" },
      { text: "API", link: "/api" },
    ],
    sidebar: [
      {
        text: "Guides",
        items: [
          { text: "Getting started", link: "/getting-started" },
          { text: "Template format", link: "/template-format" },
          { text: "Authoring templates", link: "/templates/authoring" },
          { text: "Repository rules", link: "/rules" },
          // Written with `promptreg review` (issue 8); listed as soon as it exists.
          ...(existsSync(path.join(DOCS_DIR, "reviewing-prompt-changes.md"))
            ? [{ text: "Reviewing prompt changes", link: "/reviewing-prompt-changes" }]
            : []),
          { text: "Renderer", link: "/renderer" },
          { text: "CLI", link: "/cli" },
          { text: "Client SDK", link: "/client" },
          { text: "Installing and releasing packages", link: "/releasing" },
          { text: "Gateway client", link: "/gateway-client" },
          { text: "Mock gateway", link: "/mock-gateway" },
          { text: "Security and signing", link: "/security" },
          { text: "Operations", link: "/operations" },
          { text: "Scaling", link: "/scaling" },
          { text: "Batch jobs", link: "/batches" },
          { text: "Gateway best practices", link: "/gateway-best-practices" },
          { text: "Architecture", link: "/architecture" },
          { text: "Errors", link: "/errors" },
          { text: "The docs site", link: "/docs-site" },
        ],
      },
      {
        text: "Reference",
        items: [
          { text: "Template catalog", link: "/catalog/" },
          { text: "HTTP API guide", link: "/api" },
          { text: "API reference (OpenAPI)", link: "/api-reference" },
          { text: "Benchmarks", link: "/benchmarks" },
          { text: "Benchmark history", link: "/benchmark-history" },
        ],
      },
    ],
    search: { provider: "local" },
    outline: [2, 3],
  },
  // VitePress fails the build on a link to a missing page; this also fails it on a missing #anchor, checked on the
  // HTML actually written (generated pages and theme links included).
  async buildEnd(siteConfig) {
    const broken = await checkSiteLinks({ outDir: siteConfig.outDir, base });
    if (broken.length > 0) {
      throw new Error(
        `${broken.length} broken internal link(s) in the built site:\n${formatBrokenLinks(broken)}\nFix the link, or the heading it points at.`,
      );
    }
  },
  vite: {
    plugins: [reloadGeneratedPagesOnTemplateEdits()],
  },
});
