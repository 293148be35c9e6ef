import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

/** An internal link of the built site whose page or anchor does not exist. */
export interface BrokenLink {
  /** The page holding the link, relative to the output folder (`catalog/index.html`). */
  page: string;
  href: string;
  reason: "missing_page" | "missing_anchor" | "outside_base";
}

const HREF = /<a\s[^>]*?href="([^"]*)"/g;
const ID = /\sid="([^"]*)"/g;
const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

const decodeEntities = (text: string) =>
  text
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");

async function htmlFiles(dir: string, prefix = ""): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) return htmlFiles(path.join(dir, entry.name), relative);
      return entry.name.endsWith(".html") ? [relative] : [];
    }),
  );
  return nested.flat();
}

/** The ids of a page's elements (anchor targets) and the hrefs of its links, from VitePress's static HTML. */
export function scanHtml(html: string): { ids: Set<string>; hrefs: string[] } {
  const ids = new Set([...html.matchAll(ID)].map((match) => decodeEntities(match[1]!)));
  const hrefs = [...html.matchAll(HREF)].map((match) => decodeEntities(match[1]!));
  return { ids, hrefs };
}

/** Maps a site path (after the base) to the output file that serves it, as a static host does. */
export function fileForSitePath(sitePath: string): string {
  if (sitePath === "" || sitePath.endsWith("/")) return `${sitePath}index.html`;
  return /\.[a-z0-9]+$/i.test(sitePath) ? sitePath : `${sitePath}.html`;
}

/**
 * Checks every internal link of a built site: the target page exists under the base path, and its `#anchor` is the
 * id of an element on that page. External links (with a scheme) are out of scope: the build must not need a
 * network. Returns every broken link, so one build reports all of them.
 */
export async function checkSiteLinks(options: { outDir: string; base: string }): Promise<BrokenLink[]> {
  const { outDir, base } = options;
  const pages = await htmlFiles(outDir);
  const scanned = new Map(
    await Promise.all(
      pages.map(async (page) => [page, scanHtml(await readFile(path.join(outDir, page), "utf8"))] as const),
    ),
  );
  const broken: BrokenLink[] = [];
  for (const [page, { hrefs }] of scanned) {
    const pageUrl = new URL(`http://site${base}${page}`);
    for (const href of hrefs) {
      if (href === "" || EXTERNAL.test(href)) continue;
      const target = new URL(href, pageUrl);
      if (!target.pathname.startsWith(base)) {
        broken.push({ page, href, reason: "outside_base" });
        continue;
      }
      const file = fileForSitePath(decodeURIComponent(target.pathname.slice(base.length)));
      const targetPage = scanned.get(file);
      if (!targetPage) {
        // Assets (CSS, images) are files, not pages: they only need to exist.
        const isAsset = !file.endsWith(".html");
        if (
          !isAsset ||
          !(await readFile(path.join(outDir, file)).then(
            () => true,
            () => false,
          ))
        ) {
          broken.push({ page, href, reason: "missing_page" });
        }
        continue;
      }
      const anchor = decodeURIComponent(target.hash.slice(1));
      if (anchor && !targetPage.ids.has(anchor)) broken.push({ page, href, reason: "missing_anchor" });
    }
  }
  return broken.sort((a, b) => a.page.localeCompare(b.page) || a.href.localeCompare(b.href));
}

/** One line per broken link, for the build's error message. */
export function formatBrokenLinks(broken: BrokenLink[]): string {
  const reasons = {
    missing_page: "no such page",
    missing_anchor: "no element with that id on the target page",
    outside_base: "points outside the site's base path",
  } as const;
  return broken.map((link) => `  ${link.page}: ${link.href} (${reasons[link.reason]})`).join("\n");
}
