import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCommand } from "./run-command.js";

export const SERVER_PACKAGE = "@promptreg/server";

/** The manifest fields `pnpm pack` takes from `publishConfig` (the others there configure the registry). */
const PUBLISHED_FIELDS = ["bin", "main", "module", "types", "typings", "exports", "imports", "typesVersions"];

/**
 * The service's production tree, as the image ships it: `pnpm deploy --prod` of `@promptreg/server` into
 * `destination` (its `dist/`, `package.json` and production `node_modules`, no dev dependencies), then every
 * workspace manifest in it switched to its published form. The workspace packages must be built (`dist/`) first.
 *
 * `--legacy`: pnpm 10's default deploy needs `inject-workspace-packages`, which would copy workspace packages into
 * each other's node_modules in development too. The legacy deploy starts from the workspace lockfile.
 */
export async function deployServer({
  workspaceRoot,
  destination,
  env = process.env,
  timeoutMs = 0,
}: {
  workspaceRoot: string;
  destination: string;
  env?: NodeJS.ProcessEnv;
  /** 0: no limit. */
  timeoutMs?: number;
}): Promise<{ manifests: string[] }> {
  const result = await runCommand(
    "pnpm",
    ["--filter", SERVER_PACKAGE, "deploy", "--prod", "--legacy", "--prefer-offline", destination],
    { cwd: workspaceRoot, env, timeoutMs },
  );
  if (result.code !== 0) {
    throw new Error(`pnpm deploy failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  return { manifests: await applyPublishConfig(destination) };
}

/**
 * pnpm deploy copies workspace packages' manifests as they are (pnpm issue #6693: `publishConfig` is applied by
 * `pack` and `publish`, not by `deploy`), so their `exports` would still name `src/*.ts`, which plain `node` cannot
 * load and `files` left out. This lifts each manifest's `publishConfig` fields to the top, as `pnpm pack` does.
 * The deployed manifests are hard links to the workspace's own files: each is removed and written anew, never
 * edited in place. Returns the manifests rewritten.
 */
export async function applyPublishConfig(deployDir: string): Promise<string[]> {
  const manifests = [path.join(deployDir, "package.json")];
  const store = path.join(deployDir, "node_modules", ".pnpm");
  for (const entry of await readdir(store)) {
    // Workspace packages are installed from their folders: `@promptreg+core@file+packages+core`.
    if (!entry.includes("@file+")) continue;
    const name = entry.slice(0, entry.indexOf("@file+")).replace("+", "/");
    manifests.push(path.join(store, entry, "node_modules", name, "package.json"));
  }
  const rewritten: string[] = [];
  for (const file of manifests) {
    const manifest = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    const publishConfig = manifest.publishConfig as Record<string, unknown> | undefined;
    if (publishConfig === undefined) continue;
    for (const field of PUBLISHED_FIELDS) {
      if (field in publishConfig) manifest[field] = publishConfig[field];
    }
    delete manifest.publishConfig;
    await rm(file);
    await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
    rewritten.push(file);
  }
  return rewritten;
}
