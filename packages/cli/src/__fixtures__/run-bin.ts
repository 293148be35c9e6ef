import path from "node:path";
import { fileURLToPath } from "node:url";
import { type ProcessResult, runProcess } from "@promptreg/test-kit";

/** The repository root: `pnpm promptreg` runs the binary from here. */
export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const bin = path.join(repoRoot, "packages/cli/src/bin.ts");

/**
 * Runs the real binary the way `pnpm promptreg` does: through tsx, from the repository root (where `--import tsx`
 * resolves), so pass absolute paths for anything in a temp directory.
 */
export function runBin(
  args: string[],
  options: { stdin?: string; env?: Record<string, string> } = {},
): Promise<ProcessResult> {
  return runProcess(process.execPath, ["--import", "tsx", bin, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdin: options.stdin ?? "",
  });
}
