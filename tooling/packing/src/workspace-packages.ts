import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

export interface WorkspacePackage {
  name: string;
  dir: string;
  manifest: Record<string, unknown>;
}

/**
 * Every package under `packages/` that is not private: the ones a release publishes. New packages join the checks
 * by being added there, without editing this list.
 */
export async function publishablePackages(root = repoRoot): Promise<WorkspacePackage[]> {
  const base = path.join(root, "packages");
  const found: WorkspacePackage[] = [];
  for (const entry of (await readdir(base, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(base, entry.name);
    const text = await readFile(path.join(dir, "package.json"), "utf8").catch(() => undefined);
    if (text === undefined) continue;
    const manifest = JSON.parse(text) as Record<string, unknown>;
    if (manifest.private === true) continue;
    found.push({ name: String(manifest.name), dir, manifest });
  }
  return found;
}
