import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type ProcessResult, runProcess } from "@promptreg/test-kit";

/** The repository root: `pnpm promptreg` runs the binary from here. */
export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const bin = path.join(repoRoot, "packages/cli/src/bin.ts");
const recorder = fileURLToPath(new URL("./record-modules.ts", import.meta.url));

interface BinOptions {
  stdin?: string;
  env?: Record<string, string>;
  /** Modules for `--import` after tsx. */
  preload?: string[];
}

/**
 * Runs the real binary the way `pnpm promptreg` does: through tsx, from the repository root (where `--import tsx`
 * resolves), so pass absolute paths for anything in a temp directory.
 */
export function runBin(args: string[], options: BinOptions = {}): Promise<ProcessResult> {
  return runProcess(
    process.execPath,
    ["--import", "tsx", ...(options.preload ?? []).flatMap((file) => ["--import", file]), bin, ...args],
    {
      cwd: repoRoot,
      env: { ...process.env, ...options.env },
      stdin: options.stdin ?? "",
    },
  );
}

/**
 * Runs the binary as `runBin` does and lists the repository's own source files its process loaded, relative to the
 * repository root (`packages/cli/src/commands/validate.ts`); dependencies and Node's modules are left out.
 */
export async function runBinLoading(
  args: string[],
  options: BinOptions = {},
): Promise<ProcessResult & { loaded: string[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), "promptreg-cli-modules-"));
  const file = path.join(dir, "modules.txt");
  try {
    const result = await runBin(args, {
      ...options,
      env: { ...options.env, PROMPTREG_TEST_MODULES_FILE: file },
      preload: [...(options.preload ?? []), recorder],
    });
    const root = pathToFileURL(repoRoot).href;
    const urls = (await readFile(file, "utf8")).split("\n");
    const loaded = urls
      .filter((url) => url.startsWith(root) && !url.includes("/node_modules/"))
      .map((url) => fileURLToPath(url).slice(repoRoot.length));
    return { ...result, loaded: [...new Set(loaded)].sort() };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
