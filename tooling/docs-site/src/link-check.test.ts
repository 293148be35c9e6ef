import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkSiteLinks, fileForSitePath, formatBrokenLinks } from "./link-check.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "promptreg-links-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function page(file: string, html: string) {
  await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  await writeFile(path.join(dir, file), html);
}

describe("checkSiteLinks", () => {
  it("accepts existing pages, anchors, directory indexes, assets and external links", async () => {
    await page(
      "index.html",
      '<a href="/wiki/guide.html#setup">g</a><a href="catalog/">c</a><a href="https://example.com/x#y">e</a><a href="#top">t</a><h1 id="top">x</h1>',
    );
    await page(
      "guide.html",
      '<h2 id="setup">Setup</h2><a href="./catalog/a/b.html">b</a><link href="/wiki/assets/x.css"><a href="/wiki/assets/x.css">css</a>',
    );
    await page("catalog/index.html", '<a href="a/b.html#v-1-0-0">v</a>');
    await page(
      "catalog/a/b.html",
      '<h2 id="v-1-0-0">1.0.0</h2><a href="../index.html">up</a><a href="../../guide.html#setup">g</a>',
    );
    await page("assets/x.css", "body{}");
    expect(await checkSiteLinks({ outDir: dir, base: "/wiki/" })).toEqual([]);
  });

  it("reports every missing page, missing anchor and link outside the base, sorted", async () => {
    await page(
      "index.html",
      '<a href="/wiki/nope.html">n</a><a href="guide.html#gone">g</a><a href="/other/x.html">o</a><a href="#here">h</a>',
    );
    await page(
      "guide.html",
      '<h2 id="setup">x</h2><a href="catalog/missing.html#a">m</a><a href="/wiki/guide.html#caf%C3%A9">u</a><h3 id="café">c</h3>',
    );
    const broken = await checkSiteLinks({ outDir: dir, base: "/wiki/" });
    expect(broken).toEqual([
      { page: "guide.html", href: "catalog/missing.html#a", reason: "missing_page" },
      { page: "index.html", href: "/other/x.html", reason: "outside_base" },
      { page: "index.html", href: "/wiki/nope.html", reason: "missing_page" },
      { page: "index.html", href: "#here", reason: "missing_anchor" },
      { page: "index.html", href: "guide.html#gone", reason: "missing_anchor" },
    ]);
    expect(formatBrokenLinks(broken)).toContain(
      "index.html: guide.html#gone (no element with that id on the target page)",
    );
  });

  it("maps site paths to files like a static host", () => {
    expect(fileForSitePath("")).toBe("index.html");
    expect(fileForSitePath("catalog/")).toBe("catalog/index.html");
    expect(fileForSitePath("api")).toBe("api.html");
    expect(fileForSitePath("assets/app.js")).toBe("assets/app.js");
  });
});
