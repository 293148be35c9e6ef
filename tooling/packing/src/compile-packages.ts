import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import ts from "typescript";
import { runCommand } from "./run-command.js";
import { repoRoot } from "./workspace-packages.js";

/** Options a package's tsconfig.build.json may set apart from the shared base (tsconfig.base.json). */
const PER_PACKAGE = new Set([
  "configFilePath",
  "outDir",
  "rootDir",
  // core and signing-core build without Node's types, so a `node:` import fails their typecheck (pnpm typecheck runs
  // those two configs on their own); the emitted code is the same either way.
  "types",
]);

/**
 * Compiles workspace packages as their `build` scripts (`tsc -p tsconfig.build.json`) do, but in one tsc program:
 * each package's build reads the sources of the packages it imports, so one tsc per package parsed and type-checked
 * packages/core and the other shared sources once per package (14 builds: about 60 s of CPU; one program: 9 s).
 * The program's root files are the packages' own build files, its options the shared base's, and a package whose
 * config sets anything else is refused. Each package's output replaces `<destination>/<dir>/dist`, with its source
 * maps' `sources` pointing at `../src` as a package's own build writes them.
 */
export async function compilePackages({
  dirs,
  destination = repoRoot,
  declaration = true,
}: {
  /** Package folders in this repository, absolute, each with a tsconfig.build.json. */
  dirs: readonly string[];
  /** The root under which each package's dist/ is written: the repository itself, or a copy of its layout. */
  destination?: string;
  /** False when the output serves `node` only (the service's image tree). */
  declaration?: boolean;
}): Promise<void> {
  const baseConfig = ts.readConfigFile(path.join(repoRoot, "tsconfig.base.json"), ts.sys.readFile);
  if (baseConfig.error) throw new Error(ts.flattenDiagnosticMessageText(baseConfig.error.messageText, "\n"));
  const base = ts.convertCompilerOptionsFromJson(baseConfig.config.compilerOptions, repoRoot).options;
  const files: string[] = [];
  for (const dir of dirs) {
    const config = path.join(dir, "tsconfig.build.json");
    const parsed = ts.getParsedCommandLineOfConfigFile(
      config,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
          throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
        },
      },
    );
    if (!parsed) throw new Error(`${config} could not be read`);
    const { outDir, rootDir } = parsed.options;
    if (outDir !== path.join(dir, "dist") || rootDir !== path.join(dir, "src")) {
      throw new Error(`${config}: expected outDir "dist" and rootDir "src"`);
    }
    const own = sharedOptions(parsed.options);
    const shared = sharedOptions({ ...base, noEmit: false });
    const differing = Object.keys({ ...own, ...shared }).filter(
      (name) => JSON.stringify(own[name]) !== JSON.stringify(shared[name]),
    );
    if (differing.length > 0) {
      throw new Error(
        `${config} sets ${differing.join(", ")} apart from tsconfig.base.json; one program cannot build it as its own tsc would`,
      );
    }
    files.push(...parsed.fileNames);
  }

  const work = await mkdtemp(path.join(tmpdir(), "promptreg-compile-"));
  try {
    const out = path.join(work, "out");
    const tsconfig = path.join(work, "tsconfig.json");
    await writeFile(
      tsconfig,
      JSON.stringify({
        extends: path.join(repoRoot, "tsconfig.base.json"),
        compilerOptions: {
          rootDir: repoRoot,
          outDir: out,
          noEmit: false,
          declaration,
          typeRoots: [path.join(repoRoot, "node_modules", "@types")],
        },
        files,
      }),
    );
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    const compiled = await runCommand(process.execPath, [tsc, "-p", tsconfig], { cwd: work });
    if (compiled.code !== 0) {
      throw new Error(`tsc failed (exit ${compiled.code}):\n${compiled.stdout}${compiled.stderr}`);
    }
    for (const dir of dirs) {
      const inRepository = path.relative(repoRoot, dir);
      const dist = path.join(destination, inRepository, "dist");
      await rm(dist, { recursive: true, force: true });
      await moveOutput({ from: path.join(out, inRepository, "src"), to: dist, destination });
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The options that shape the output, sorted, without the ones a package sets for itself. */
function sharedOptions(options: ts.CompilerOptions): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(options)
      .filter(([name]) => !PER_PACKAGE.has(name))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/**
 * Moves one package's compiled files from the program's output to its dist/. tsc wrote each source map's `sources`
 * relative to where it emitted; they are made relative to the map's new folder, pointing at the source as it lies
 * under `destination` (`../src/x.ts`, as the package's own build writes it).
 */
async function moveOutput({ from, to, destination }: { from: string; to: string; destination: string }) {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      await moveOutput({ from: source, to: target, destination });
      continue;
    }
    const text = await readFile(source, "utf8");
    if (!entry.name.endsWith(".map")) {
      await writeFile(target, text);
      continue;
    }
    const map = JSON.parse(text) as { sources: string[] };
    map.sources = map.sources.map((file) => {
      const inRepository = path.relative(repoRoot, path.resolve(from, file));
      return path.relative(to, path.join(destination, inRepository));
    });
    await writeFile(target, JSON.stringify(map));
  }
}
