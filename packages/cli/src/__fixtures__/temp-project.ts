import path from "node:path";
import { afterEach, beforeEach } from "vitest";
import { type CliRun, makeTempDir, runCli } from "./run-cli.js";
import { copyValidTree } from "./trees.js";

/** A fresh temp directory per test, used as the CLI's cwd. */
export interface TempProject {
  /** The directory of the current test (only valid inside a test or hook). */
  readonly dir: string;
  /** `main(argv)` in-process with `dir` as the cwd. */
  cli(
    argv: string[],
    options?: { stdin?: string; env?: Record<string, string | undefined> },
  ): Promise<CliRun>;
}

/**
 * Registers beforeEach/afterEach that create and remove a temp directory for every test of the calling file;
 * with `validTree`, `templates/` in it is a copy of `__fixtures__/tree` (2 templates, 4 versions).
 */
export function useTempProject(options: { validTree?: boolean } = {}): TempProject {
  let current: { dir: string; cleanup: () => Promise<void> } | undefined;
  beforeEach(async () => {
    current = await makeTempDir();
    if (options.validTree) await copyValidTree(path.join(current.dir, "templates"));
  });
  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });
  const project: TempProject = {
    get dir() {
      if (current === undefined)
        throw new Error("useTempProject: `dir` is only available inside a test or hook");
      return current.dir;
    },
    cli: (argv, runOptions = {}) => runCli(argv, { cwd: project.dir, ...runOptions }),
  };
  return project;
}
