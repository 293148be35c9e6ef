// docs/gateway-best-practices.md maps each point of the gateway's best-practices list to the feature and the docs
// that implement it. Every mapped document and #anchor must exist (GitHub's heading ids, as on the site), and,
// where the original list is at hand (../shared/seeds next to the repository, as on developer machines and in CI),
// every point of it must be on the page.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import GithubSlugger from "github-slugger";
import { describe, expect, it } from "vitest";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DOCS = path.join(REPO_ROOT, "docs");
const PAGE = path.join(DOCS, "gateway-best-practices.md");
const SEED_CANDIDATES = [
  process.env.PROMPTREG_SEEDS_DIR,
  path.join(REPO_ROOT, "..", "shared", "seeds"),
  path.join(REPO_ROOT, "..", "..", "shared", "seeds"),
].filter((dir): dir is string => dir !== undefined);

/** The ids GitHub (and the docs site) gives a markdown file's headings, duplicates numbered. */
function headingIds(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const ids = new Set<string>();
  let inFence = false;
  for (const line of markdown.split("\n")) {
    if (/^```/.test(line)) inFence = !inFence;
    const match = !inFence && /^#{1,6}\s+(.*)$/.exec(line);
    if (match) ids.add(slugger.slug(match[1]!.replace(/`/g, "").replace(/\*\*/g, "")));
  }
  return ids;
}

const page = readFileSync(PAGE, "utf8");
const links = [...page.matchAll(/\]\(([^)\s]+)\)/g)]
  .map((match) => match[1]!)
  .filter((href) => !/^[a-z]+:/.test(href));

describe("docs/gateway-best-practices.md", () => {
  it("links only to documents and headings that exist", () => {
    expect(links.length).toBeGreaterThanOrEqual(30);
    const broken = links.filter((href) => {
      const [file, anchor] = href.split("#") as [string, string | undefined];
      const target = path.join(DOCS, file);
      if (!existsSync(target)) return true;
      return anchor !== undefined && !headingIds(readFileSync(target, "utf8")).has(anchor);
    });
    expect(broken).toEqual([]);
  });

  it("maps every practice of every section to a feature and at least one doc", () => {
    for (const section of ["Architecture", "Security", "Reliability", "Observability", "Collaboration"]) {
      const body = page.split(`## ${section}\n`)[1]!.split("\n## ")[0]!;
      const rows = body
        .split("\n")
        .filter(
          (line) =>
            line.startsWith("| ") && !line.startsWith("| ---") && !/^\| (practice|signal) \|/.test(line),
        );
      expect(rows.length, section).toBeGreaterThanOrEqual(3);
      for (const row of rows) {
        const cells = row.split(" | ");
        expect(cells.at(-1), row).toMatch(/\]\([^)]+\.md/);
        expect(cells.at(-2)!.length, row).toBeGreaterThan(40);
      }
    }
  });

  const seed = SEED_CANDIDATES.map((dir) => path.join(dir, "gateway-best-practices.md")).find(existsSync);
  it(`quotes every point of the original list${seed ? ` (${path.relative(REPO_ROOT, seed)})` : " (not found next to the repository: checked the links only)"}`, () => {
    if (!seed) return;
    const text = readFileSync(seed, "utf8");
    const bullets = [...text.matchAll(/^\* (.+)$/gm)]
      .map((match) => match[1]!)
      .filter((bullet) => !/\]\(\.\.?\//.test(bullet));
    const signals = [
      ...text.matchAll(/^\| (Latency|Token usage|Error rates|Provider mix)\s*\|\s*(.+?)\s*\|$/gm),
    ].map((match) => match[2]!);
    expect(bullets.length).toBe(12);
    expect(signals.length).toBe(4);
    for (const point of [...bullets, ...signals]) expect(page, point).toContain(point);
  });
});
