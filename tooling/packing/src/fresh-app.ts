import { copyFile, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PackedPackage } from "./pack-packages.js";
import { type CommandResult, runCommand } from "./run-command.js";
import { repoRoot, type WorkspacePackage } from "./workspace-packages.js";

const FIXTURES = fileURLToPath(new URL("__fixtures__/fresh-app/", import.meta.url));

export interface FreshApp {
  dir: string;
  /** `node <args>` in the app folder with `env` only (plus PATH): no tsx, no workspace. */
  node(args: string[], env?: Record<string, string>): Promise<CommandResult>;
  /** `tsc -p <tsconfig>` with the app's own TypeScript. */
  tsc(tsconfig: string): Promise<CommandResult>;
}

/** The catalog's pinned version of a third-party package (pnpm-workspace.yaml), so the app compiles with ours. */
async function catalogVersion(name: string): Promise<string> {
  const text = await readFile(path.join(repoRoot, "pnpm-workspace.yaml"), "utf8");
  const line = new RegExp(`^\\s+"?${name.replace("/", "\\/")}"?:\\s*(\\S+)\\s*$`, "m").exec(text);
  if (line === null) throw new Error(`pnpm-workspace.yaml's catalog has no ${name}`);
  return line[1]!;
}

/**
 * An app as a team outside this repository has it: its own folder under the OS temp dir (no workspace above it),
 * `package.json` with `"type": "module"`, the packed tarballs as dependencies (npm resolves the `@promptreg/*`
 * dependencies between them to these files; third-party ones come from the npm cache or registry), TypeScript and
 * Node's types at the catalog's versions, and a strict tsconfig that checks the packages' `.d.ts` (skipLibCheck off).
 */
/** `entries` and the workspace packages they depend on at run time, transitively (dev dependencies left out). */
export function runtimeClosure(entries: string[], packages: WorkspacePackage[]): string[] {
  const byName = new Map(packages.map((pkg) => [pkg.name, pkg]));
  const needed = new Set<string>();
  const queue = [...entries];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const pkg = byName.get(name);
    if (pkg === undefined || needed.has(name)) continue;
    needed.add(name);
    const dependencies = (pkg.manifest.dependencies ?? {}) as Record<string, string>;
    for (const [dependency, range] of Object.entries(dependencies)) {
      if (range.startsWith("workspace:")) queue.push(dependency);
    }
  }
  return [...needed].sort();
}

export async function createFreshApp(packed: PackedPackage[]): Promise<FreshApp> {
  const dir = await mkdtemp(path.join(tmpdir(), "promptreg-fresh-app-"));
  await mkdir(path.join(dir, "src"));
  const manifest = {
    name: "fresh-app",
    private: true,
    type: "module",
    dependencies: Object.fromEntries(packed.map(({ name, tarball }) => [name, `file:${tarball}`])),
    devDependencies: {
      typescript: await catalogVersion("typescript"),
      "@types/node": await catalogVersion("@types/node"),
    },
  };
  await writeFile(path.join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const compilerOptions = {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    skipLibCheck: false,
    outDir: "dist",
    rootDir: "src",
    types: ["node"],
  };
  await writeFile(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions, include: ["src"], exclude: ["src/wrong-input.ts"] }, null, 2),
  );
  await writeFile(
    path.join(dir, "tsconfig.wrong.json"),
    JSON.stringify(
      {
        extends: "./tsconfig.json",
        compilerOptions: { noEmit: true },
        include: ["src/wrong-input.ts"],
        exclude: [],
      },
      null,
      2,
    ),
  );
  for (const file of ["main.ts", "wrong-input.ts"]) {
    await copyFile(path.join(FIXTURES, file), path.join(dir, "src", file));
  }
  const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? dir };
  const install = await runCommand(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
    { cwd: dir, env: { ...env, npm_config_update_notifier: "false" }, timeoutMs: 600_000 },
  );
  if (install.code !== 0)
    throw new Error(`npm install in ${dir} failed:\n${install.stdout}\n${install.stderr}`);
  const tscBin = path.join(dir, "node_modules", "typescript", "bin", "tsc");
  return {
    dir,
    node: (args, extra = {}) => runCommand(process.execPath, args, { cwd: dir, env: { ...env, ...extra } }),
    tsc: (tsconfig) => runCommand(process.execPath, [tscBin, "-p", tsconfig], { cwd: dir, env }),
  };
}
