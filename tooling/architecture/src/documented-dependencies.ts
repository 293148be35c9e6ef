import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** One package's workspace edges: runtime dependencies and dev-only ones, by short name (`registry`, not `@promptreg/registry`). */
export interface PackageEdges {
  dependsOn: string[];
  devOnly: string[];
}

const SCOPE = "@promptreg/";
const TABLE_START = "<!-- dependency-table:start -->";
const TABLE_END = "<!-- dependency-table:end -->";

/**
 * The dependency table of docs/architecture.md: `| \`@promptreg/x\` | \`a\`, \`b\` | \`c\` |` rows between the
 * dependency-table markers, "–" for none. Throws naming the line when a row does not have that shape.
 */
export function parseDocumentedEdges(markdown: string): Map<string, PackageEdges> {
  const start = markdown.indexOf(TABLE_START);
  const end = markdown.indexOf(TABLE_END);
  if (start === -1 || end < start) throw new Error(`no ${TABLE_START} ... ${TABLE_END} block found`);
  const rows = markdown
    .slice(start + TABLE_START.length, end)
    .split("\n")
    .filter((line) => line.startsWith("| `"));
  const edges = new Map<string, PackageEdges>();
  for (const row of rows) {
    const cells = row
      .split("|")
      .slice(1, -1)
      .map((cell) => cell.trim());
    const name = /^`@promptreg\/([a-z0-9-]+)`$/.exec(cells[0] ?? "")?.[1];
    if (cells.length !== 3 || !name)
      throw new Error(`dependency table row is not | \`@promptreg/x\` | deps | dev |: ${row}`);
    const list = (cell: string) =>
      cell === "–"
        ? []
        : cell.split(",").map((item) => {
            const short = /^`([a-z0-9-]+)`$/.exec(item.trim())?.[1];
            if (!short)
              throw new Error(`dependency table cell item "${item.trim()}" is not a \`name\` in: ${row}`);
            return short;
          });
    edges.set(name, { dependsOn: list(cells[1]!).sort(), devOnly: list(cells[2]!).sort() });
  }
  return edges;
}

/** Every package.json under packages/, apps/ and tooling/, with its folder relative to the repository root. */
export function workspaceManifests(repoRoot: string): { dir: string; manifest: WorkspaceManifest }[] {
  const found: { dir: string; manifest: WorkspaceManifest }[] = [];
  for (const group of ["packages", "apps", "tooling"]) {
    for (const entry of readdirSync(path.join(repoRoot, group)).sort()) {
      const dir = path.join(group, entry);
      let text: string;
      try {
        text = readFileSync(path.join(repoRoot, dir, "package.json"), "utf8");
      } catch {
        continue;
      }
      found.push({ dir, manifest: JSON.parse(text) as WorkspaceManifest });
    }
  }
  return found;
}

export interface WorkspaceManifest {
  name: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** The workspace edges every package.json under packages/, apps/ and tooling/ declares (`workspace:` versions). */
export function workspaceEdges(repoRoot: string): Map<string, PackageEdges> {
  const edges = new Map<string, PackageEdges>();
  for (const { manifest } of workspaceManifests(repoRoot)) {
    const internal = (deps: Record<string, string> = {}) =>
      Object.entries(deps)
        .filter(([name, version]) => name.startsWith(SCOPE) && version.startsWith("workspace:"))
        .map(([name]) => name.slice(SCOPE.length))
        .sort();
    edges.set(manifest.name.slice(SCOPE.length), {
      dependsOn: internal(manifest.dependencies),
      devOnly: internal(manifest.devDependencies),
    });
  }
  return edges;
}

/** Test files outside the places docs/architecture.md names: `src/`, `test/` and `fuzz/` of a workspace package. */
export function misplacedTestFiles(files: readonly string[]): string[] {
  return files.filter((file) => !/^(packages|apps|tooling)\/[^/]+\/(src|test|fuzz)\//.test(file));
}
