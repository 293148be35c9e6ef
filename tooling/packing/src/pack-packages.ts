import { rm } from "node:fs/promises";
import path from "node:path";
import { runCommand } from "./run-command.js";
import type { WorkspacePackage } from "./workspace-packages.js";

export interface PackedPackage {
  name: string;
  tarball: string;
}

/**
 * `pnpm pack`s each package into `destination`, as a release would: pnpm runs `prepack` (the build), applies
 * `publishConfig` and turns `workspace:*` into versions. `dist/` is removed first, so a package whose `prepack`
 * does not build packs without its code and fails the checks instead of shipping a stale build.
 */
export async function packPackages(
  packages: WorkspacePackage[],
  destination: string,
): Promise<PackedPackage[]> {
  const packed: PackedPackage[] = [];
  for (const pkg of packages) {
    await rm(path.join(pkg.dir, "dist"), { recursive: true, force: true });
    const result = await runCommand("pnpm", ["pack", "--json", "--pack-destination", destination], {
      cwd: pkg.dir,
    });
    if (result.code !== 0) {
      throw new Error(
        `pnpm pack failed in ${pkg.dir} (exit ${result.code}):\n${result.stdout}\n${result.stderr}`,
      );
    }
    packed.push({ name: pkg.name, tarball: tarballPath(result.stdout, destination, pkg) });
  }
  return packed;
}

function tarballPath(stdout: string, destination: string, pkg: WorkspacePackage): string {
  // pnpm prints the prepack script's output before the JSON report, which starts on a line of its own.
  const start = stdout.startsWith("{") ? 0 : stdout.indexOf("\n{") + 1;
  const json = stdout.slice(start);
  const report = JSON.parse(json) as { filename?: string };
  if (typeof report.filename !== "string")
    throw new Error(`pnpm pack printed no filename for ${pkg.name}: ${stdout}`);
  return path.isAbsolute(report.filename) ? report.filename : path.join(destination, report.filename);
}
