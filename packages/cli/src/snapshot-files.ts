import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * The snapshot files under `folder` (absolute): path relative to it ("/"-separated) -> text. `*.yaml` files only;
 * symbolic links are not followed. A folder that does not exist holds no snapshots.
 */
export async function readSnapshotFiles(folder: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch((error: unknown) => {
    if ((error as { code?: string }).code === "ENOENT") return [];
    throw error;
  });
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith(".yaml")) continue;
    const absolute = path.join(entry.parentPath, entry.name);
    files.set(path.relative(folder, absolute).split(path.sep).join("/"), await readFile(absolute, "utf8"));
  }
  return files;
}

/**
 * Makes `folder` hold exactly `wanted` (relative path -> text): writes what is new or changed, deletes snapshot
 * files that are no longer wanted. Returns what it did, each list sorted.
 */
export async function writeSnapshotFiles(options: {
  folder: string;
  wanted: ReadonlyMap<string, string>;
}): Promise<{ added: string[]; changed: string[]; removed: string[] }> {
  const { folder, wanted } = options;
  const existing = await readSnapshotFiles(folder);
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];
  for (const [file, text] of wanted) {
    const before = existing.get(file);
    if (before === text) continue;
    const target = path.join(folder, ...file.split("/"));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text, "utf8");
    (before === undefined ? added : changed).push(file);
  }
  for (const file of existing.keys()) {
    if (wanted.has(file)) continue;
    await rm(path.join(folder, ...file.split("/")));
    removed.push(file);
  }
  return { added: added.sort(), changed: changed.sort(), removed: removed.sort() };
}
