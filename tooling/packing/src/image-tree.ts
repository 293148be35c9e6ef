import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { compilePackages } from "./compile-packages.js";
import { deployServer, SERVER_PACKAGE } from "./deploy-server.js";
import { repoRoot } from "./workspace-packages.js";

/**
 * The image's `/app` without Docker (the Dockerfile's build stage): the service's `pnpm deploy --prod` tree with the
 * compiled dist/ of every workspace package it needs, plus the templates, copied into `destination`.
 *
 * Built in a temporary workspace, never into the packages' own dist/ folders: packed-packages.test.ts deletes and
 * rebuilds those while other test files run. One tsc program compiles every package the service needs
 * (compile-packages.ts).
 * The copy holds no hard links into the temporary workspace, which is removed before this returns.
 */
export async function buildImageTree({
  destination,
  timeoutMs = 180_000,
}: {
  destination: string;
  /** For `pnpm deploy`: seconds on a quiet machine; minutes on a loaded 2-core box. */
  timeoutMs?: number;
}): Promise<void> {
  const workspace = await mkdtemp(path.join(tmpdir(), "promptreg-image-workspace-"));
  const deployDir = await mkdtemp(path.join(tmpdir(), "promptreg-image-deploy-"));
  try {
    await buildWorkspace(workspace);
    await deployServer({ workspaceRoot: workspace, destination: path.join(deployDir, "app"), timeoutMs });
    // A copy: deployed files are hard links to the temporary workspace's.
    await cp(path.join(deployDir, "app"), destination, { recursive: true, verbatimSymlinks: true });
    await cp(path.join(repoRoot, "templates"), path.join(destination, "templates"), { recursive: true });
  } finally {
    await rm(deployDir, { recursive: true, force: true });
    await rm(workspace, { recursive: true, force: true });
  }
}

/**
 * `buildImageTree` once per test run: the first caller builds the tree into `cacheDir` (a folder of this run, from
 * image-tree-setup.ts), every caller gets its own copy in `destination` (the tests make theirs read-only and write
 * secrets beside it, so none shares files with another). A caller that finds the build under way waits for it; if
 * the builder fails or its process is gone, the next caller builds (and fails) itself.
 */
export async function copySharedImageTree({
  cacheDir,
  destination,
}: {
  cacheDir: string;
  destination: string;
}): Promise<void> {
  const tree = path.join(cacheDir, "app");
  const lock = path.join(cacheDir, "building");
  for (;;) {
    if (await exists(tree)) break;
    if (await takeLock(lock)) {
      try {
        const partial = await mkdtemp(path.join(cacheDir, "partial-"));
        await buildImageTree({ destination: path.join(partial, "app") });
        await rename(path.join(partial, "app"), tree);
        await rm(partial, { recursive: true, force: true });
      } finally {
        await rm(lock, { recursive: true, force: true });
      }
      break;
    }
    await sleep(250);
  }
  await cp(tree, destination, { recursive: true, verbatimSymlinks: true });
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** mkdir is atomic: one caller wins. A lock whose process is gone (killed mid-build) is taken over. */
async function takeLock(lock: string): Promise<boolean> {
  try {
    await mkdir(lock);
    await writeFile(path.join(lock, "pid"), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const holder = Number(await readFile(path.join(lock, "pid"), "utf8").catch(() => ""));
  // No pid yet: the holder is between mkdir and writeFile.
  if (!Number.isInteger(holder) || holder <= 0) return false;
  try {
    process.kill(holder, 0);
    return false;
  } catch {
    await rm(lock, { recursive: true, force: true });
    return false;
  }
}

/** Every workspace package's folder by name: pnpm resolves the dev dependencies' workspace links too. */
async function workspaceFolders(): Promise<Map<string, string>> {
  const dirs = new Map<string, string>();
  for (const group of ["packages", "apps", "tooling"]) {
    for (const entry of await readdir(path.join(repoRoot, group))) {
      const text = await readFile(path.join(repoRoot, group, entry, "package.json"), "utf8").catch(
        () => undefined,
      );
      if (text !== undefined) dirs.set(String(JSON.parse(text).name), path.join(group, entry));
    }
  }
  return dirs;
}

/** The workspace packages the service needs at run time: its `dependencies`, transitively, not its dev ones. */
async function productionClosure(dirs: Map<string, string>): Promise<string[]> {
  const needed = new Set<string>();
  const queue = [SERVER_PACKAGE];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const dir = dirs.get(name);
    if (dir === undefined || needed.has(dir)) continue;
    needed.add(dir);
    const manifest = JSON.parse(await readFile(path.join(repoRoot, dir, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    for (const [dependency, range] of Object.entries(manifest.dependencies ?? {})) {
      if (range.startsWith("workspace:")) queue.push(dependency);
    }
  }
  return [...needed];
}

/** A workspace of the root files and every package's manifest, with dist/ compiled for the service's packages. */
async function buildWorkspace(workspace: string): Promise<void> {
  const dirs = await workspaceFolders();
  const packages = await productionClosure(dirs);
  for (const file of ["package.json", "pnpm-workspace.yaml", "pnpm-lock.yaml", ".npmrc"]) {
    await cp(path.join(repoRoot, file), path.join(workspace, file)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
  }
  await compilePackages({
    dirs: packages.map((dir) => path.join(repoRoot, dir)),
    destination: workspace,
    // Declarations serve compilers, not `node`; the packing checks cover them.
    declaration: false,
  });
  for (const dir of dirs.values()) {
    await mkdir(path.join(workspace, dir), { recursive: true });
    await cp(path.join(repoRoot, dir, "package.json"), path.join(workspace, dir, "package.json"));
  }
}
