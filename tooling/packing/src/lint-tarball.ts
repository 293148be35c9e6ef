import path from "node:path";
import { fileURLToPath } from "node:url";
import { type CommandResult, runCommand } from "./run-command.js";

const bin = (name: string) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));

/** `publint run <tarball> --strict`: warnings fail too. */
export function publint(tarball: string): Promise<CommandResult> {
  return runCommand(bin("publint"), ["run", tarball, "--strict"], { cwd: path.dirname(tarball) });
}

/**
 * `attw <tarball> --profile esm-only`: the packages are ESM only, so CommonJS `require` and the pre-exports
 * `node10` resolution are out of scope; types must resolve for Node 16+ ESM and bundlers.
 */
export function areTheTypesWrong(tarball: string): Promise<CommandResult> {
  return runCommand(bin("attw"), [tarball, "--profile", "esm-only", "--format", "ascii", "--no-color"], {
    cwd: path.dirname(tarball),
  });
}
