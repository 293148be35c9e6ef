import { execFile } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "./service-process.js";

const run = promisify(execFile);

/** Runs `pnpm docs:build`'s command with DOCS_BASE into a fresh temp folder and returns that folder. */
export async function buildSite(options: { base: string; env?: Record<string, string> }): Promise<string> {
  const outDir = await mkdtemp(path.join(tmpdir(), "promptreg-docs-dist-"));
  try {
    await run(
      process.execPath,
      ["--import", "tsx", "node_modules/vitepress/bin/vitepress.js", "build", "docs", "--outDir", outDir],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, DOCS_BASE: options.base, ...options.env },
        maxBuffer: 32 * 1024 * 1024,
        // About 30 s on a quiet 2-core box; minutes when other test runs share it.
        timeout: 600_000,
      },
    );
  } catch (error) {
    const {
      stdout = "",
      stderr = "",
      killed,
    } = error as { stdout?: string; stderr?: string; killed?: boolean };
    throw new Error(
      `docs build failed${killed ? " (killed after 10 minutes)" : ""}:\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`,
      { cause: error },
    );
  }
  return outDir;
}
