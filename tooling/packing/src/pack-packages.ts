import path from "node:path";
import { compilePackages } from "./compile-packages.js";
import { runCommand } from "./run-command.js";
import { repoRoot, type WorkspacePackage } from "./workspace-packages.js";

export interface PackedPackage {
  name: string;
  tarball: string;
}

/**
 * Packs each package into `destination` as a release would: its dist/ built as its `prepack` builds it (`pnpm run
 * build`: `tsc -p tsconfig.build.json`; packed-packages.test.ts checks every package's scripts say so), then `pnpm
 * pack`, which applies `publishConfig` and turns `workspace:*` into versions. The builds run as one tsc program
 * (compile-packages.ts: the same files, byte for byte) and the packing as one pnpm run with lifecycle scripts off:
 * fourteen `pnpm pack`s started pnpm twice and tsc once each. dist/ is replaced first, so nothing stale is packed.
 */
export async function packPackages(
  packages: WorkspacePackage[],
  destination: string,
): Promise<PackedPackage[]> {
  await compilePackages({ dirs: packages.map((pkg) => pkg.dir) });
  const result = await runCommand(
    "pnpm",
    [
      "--recursive",
      ...packages.flatMap((pkg) => ["--filter", pkg.name]),
      "pack",
      "--json",
      "--pack-destination",
      destination,
      // The prepack builds ran above, as one program.
      "--config.ignore-scripts=true",
    ],
    { cwd: repoRoot },
  );
  if (result.code !== 0) {
    throw new Error(`pnpm pack failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  const reports = [JSON.parse(result.stdout) as PackReport | PackReport[]].flat();
  return packages.map((pkg) => {
    const filename = reports.find((report) => report.name === pkg.name)?.filename;
    if (typeof filename !== "string")
      throw new Error(`pnpm pack printed no filename for ${pkg.name}: ${result.stdout}`);
    return {
      name: pkg.name,
      tarball: path.isAbsolute(filename) ? filename : path.join(destination, filename),
    };
  });
}

interface PackReport {
  name?: string;
  filename?: string;
}
