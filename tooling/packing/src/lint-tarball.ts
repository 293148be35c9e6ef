import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { checkPackage, createPackageFromTarballData, type ResolutionKind } from "@arethetypeswrong/core";
import { type CommandResult, runCommand } from "./run-command.js";

const bin = (name: string) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));

/** `publint run <tarball> --strict`: warnings fail too. */
export function publint(tarball: string): Promise<CommandResult> {
  return runCommand(bin("publint"), ["run", tarball, "--strict"], { cwd: path.dirname(tarball) });
}

/**
 * Are the Types Wrong (`@arethetypeswrong/core`, what `attw <tarball> --profile esm-only` runs): the problems it finds,
 * as `kind entrypoint (resolution)` lines; none when the types are right. The packages are ESM only, so CommonJS
 * `require` and the pre-exports `node10` resolution are out of scope (the esm-only profile's ignored resolutions);
 * types must resolve for Node 16+ ESM and bundlers. A package without types is a problem too (the CLI lets it pass).
 * In this process: the CLI started its own Node and TypeScript per tarball, 1.1 s of CPU each of the 1.2 s.
 */
export async function areTheTypesWrong(tarball: string): Promise<string[]> {
  const pkg = createPackageFromTarballData(new Uint8Array(await readFile(tarball)));
  const analysis = await checkPackage(pkg);
  if (!analysis.types) return [`no types in ${path.basename(tarball)}`];
  return analysis.problems
    .filter((problem) => !("resolutionKind" in problem) || !ESM_ONLY_IGNORED.has(problem.resolutionKind))
    .map((problem) =>
      [
        problem.kind,
        "entrypoint" in problem ? problem.entrypoint : "",
        "resolutionKind" in problem ? `(${problem.resolutionKind})` : "",
      ].join(" "),
    );
}

/** The resolutions attw's `esm-only` profile ignores. */
const ESM_ONLY_IGNORED: ReadonlySet<ResolutionKind> = new Set(["node10", "node16-cjs"]);
