// The built site in real headless Chromium: built with a base path (as published to a wiki host), served by a
// plain static server, then the catalog, its search and filters, a template page and every page of the site.
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callSnippets, loadSiteData, type SiteData } from "../src/index.js";
import { launchChromium } from "./browser.js";
import { buildSite } from "./build-site.js";
import { REPO_ROOT } from "./service-process.js";
import { serveStatic } from "./static-server.js";

const BASE = "/wiki/promptreg/";
/** Gitignored: screenshots for people to look at after a run. */
const SCREENSHOTS = path.join(REPO_ROOT, "tooling", "docs-site", "screenshots");
// vitest polls for 1 s by default; a loaded 2-core box can take longer to apply a filter or a client-side route.
const POLL = { timeout: 30_000 };

let site: SiteData;
let outDir: string;
let server: { url: string; close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  [site, outDir, browser] = await Promise.all([
    loadSiteData({ templatesDir: path.join(REPO_ROOT, "templates") }),
    buildSite({ base: BASE }),
    launchChromium(),
  ]);
  server = await serveStatic({ root: outDir, base: BASE });
  await mkdir(SCREENSHOTS, { recursive: true });
}, 720_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
}, 30_000);

/** A page that records console errors, uncaught exceptions and failed requests. */
async function openPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => problems.push(`exception: ${error.message}`));
  page.on("requestfailed", (request) => {
    // Leaving a page cancels the prefetches VitePress started for its links: aborted, not failed.
    if (request.failure()?.errorText !== "net::ERR_ABORTED") {
      problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
    }
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return { page, problems };
}

const visibleIds = (page: Page) =>
  page.$$eval("table[data-catalog] tbody tr:not([hidden])", (rows) =>
    rows.map((row) => row.getAttribute("data-id")),
  );

describe("catalog", () => {
  it("lists every template, with a working link to its page", async () => {
    const { page, problems } = await openPage();
    await page.goto(`${server.url}catalog/`);
    await page.waitForSelector("[data-catalog-count]");
    expect(await visibleIds(page)).toEqual(site.templates.map((template) => template.id));
    await expect
      .poll(() => page.textContent("[data-catalog-count]"), POLL)
      .toBe(`${site.templates.length} of ${site.templates.length} templates`);
    await page.screenshot({ path: path.join(SCREENSHOTS, "catalog.png"), fullPage: true });
    await page.click('a[href="support/summarize-ticket.html"]');
    await page.waitForURL(`${server.url}catalog/support/summarize-ticket.html`);
    // VitePress routes on the client: the URL changes before the new page's heading replaces the catalog's.
    await expect.poll(() => page.textContent("h1"), POLL).toContain("support/summarize-ticket");
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it("finds a template by a word of its description", async () => {
    // A word that occurs in exactly one template's description, picked from the data, not hard-coded.
    const words = (text: string) => text.toLowerCase().match(/[a-z]{6,}/g) ?? [];
    const target = site.templates.find((template) =>
      words(template.summary.description).some(
        (word) =>
          site.templates.filter((other) => other.summary.description.toLowerCase().includes(word)).length ===
          1,
      ),
    )!;
    const word = words(target.summary.description).find(
      (candidate) =>
        site.templates.filter((other) =>
          [other.id, other.summary.description, ...other.summary.tags, ...other.summary.owners]
            .join(" ")
            .toLowerCase()
            .includes(candidate),
        ).length === 1,
    )!;
    const { page, problems } = await openPage();
    await page.goto(`${server.url}catalog/`);
    await page.fill('[data-filter="text"]', word.toUpperCase());
    await expect.poll(() => visibleIds(page), POLL).toEqual([target.id]);
    expect(await page.textContent("[data-catalog-count]")).toBe(`1 of ${site.templates.length} templates`);
    await page.fill('[data-filter="text"]', "no-such-word-anywhere");
    await expect.poll(() => visibleIds(page), POLL).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it("narrows the list by owner, and by status and label", async () => {
    const { page, problems } = await openPage();
    await page.goto(`${server.url}catalog/`);
    const owner = "support-platform@acme.example";
    const owned = site.templates
      .filter((template) => template.summary.owners.includes(owner))
      .map((template) => template.id);
    expect(owned.length).toBeGreaterThan(0);
    expect(owned.length).toBeLessThan(site.templates.length);
    await page.selectOption('[data-filter="owner"]', owner);
    await expect.poll(() => visibleIds(page), POLL).toEqual(owned);
    await page.selectOption('[data-filter="owner"]', "");
    await page.selectOption('[data-filter="label"]', "production");
    const labelled = site.templates
      .filter((template) => template.labels.production)
      .map((template) => template.id);
    await expect.poll(() => visibleIds(page), POLL).toEqual(labelled);
    await page.click("text=Reset");
    await expect.poll(() => visibleIds(page), POLL).toHaveLength(site.templates.length);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});

describe("template page", () => {
  it("shows the schema table, a rendered example, the version diff and the how-to-call snippets", async () => {
    const template = site.templates.find((entry) => entry.id === "support/summarize-ticket")!;
    const { page, problems } = await openPage();
    await page.goto(`${server.url}catalog/support/summarize-ticket.html`);
    // Schema table of the newest version, nested fields flattened.
    const fields = await page.$$eval("#v-2-0-0-input + table.schema-table tbody tr td:first-child", (cells) =>
      cells.map((cell) => cell.textContent),
    );
    expect(fields).toEqual([
      "messages",
      "messages[].author",
      "messages[].body",
      "product_area",
      "customer_tier",
    ]);
    // A rendered example: the exact text the renderer produced appears in the page.
    const example = template.versions[0]!.examples[0]!;
    const userMessage = example.messages!.find((message) => message.role === "user")!.content;
    const codeBlocks = await page.$$eval("div.language-text pre code", (blocks) =>
      blocks.map((block) => block.textContent ?? ""),
    );
    expect(codeBlocks.some((text) => text.trim() === userMessage.trim())).toBe(true);
    // The diff from 1.1.0 to 2.0.0: breaking (major), with inserted and deleted words.
    const changes = page.locator("#v-2-0-0-changes");
    await expect.poll(() => changes.textContent(), POLL).toContain("Changes from 1.1.0");
    expect(await page.locator(".danger.custom-block").first().textContent()).toContain("Breaking");
    expect(await page.locator("pre.prompt-diff ins").count()).toBeGreaterThan(0);
    expect(await page.locator("pre.prompt-diff del").count()).toBeGreaterThan(0);
    // The curl tab of "how to call it" holds the generated snippet.
    await page.click(".vp-code-group .tabs label:has-text('curl')");
    const curl = await page.locator(".vp-code-group .blocks > div.active pre code").textContent();
    expect(curl?.trim()).toBe(callSnippets(template).curl);
    await page.screenshot({ path: path.join(SCREENSHOTS, "template-page.png"), fullPage: false });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});

describe("the whole site", () => {
  it("loads every page reachable from the home page without console errors or broken links", async () => {
    const { page, problems } = await openPage();
    const seen = new Set<string>();
    const queue = [server.url];
    while (queue.length > 0) {
      const url = queue.shift()!;
      if (seen.has(url)) continue;
      seen.add(url);
      const before = problems.length;
      const response = await page.goto(url, { waitUntil: "load" });
      expect(response?.status(), url).toBe(200);
      const links = await page.$$eval("a[href]", (anchors) =>
        anchors.map((anchor) => (anchor as HTMLAnchorElement).href),
      );
      for (const link of links) {
        const target = new URL(link);
        target.hash = "";
        if (target.origin === new URL(server.url).origin && !seen.has(target.href)) queue.push(target.href);
      }
      expect(problems.slice(before), url).toEqual([]);
    }
    // Every guide, the catalog and every template page were reached.
    expect(seen.size).toBeGreaterThanOrEqual(site.templates.length + 15);
    for (const template of site.templates) expect(seen).toContain(`${server.url}catalog/${template.id}.html`);
    await page.close();
  }, 240_000);
});
