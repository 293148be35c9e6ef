import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import nodePath from "node:path";

/** A throwaway git repository in a temp folder with real commits, for tests that read revisions. */
export interface TestRepo {
  dir: string;
  /** Writes files (path relative to the repository -> text or bytes; null deletes), then commits; returns the sha. */
  commit(files: Record<string, string | Uint8Array | null>, message?: string): string;
  /** Writes files without committing (the working tree). */
  write(files: Record<string, string | Uint8Array | null>): void;
  git(...args: string[]): string;
  remove(): void;
}

export function createTestRepo(): TestRepo {
  const dir = mkdtempSync(nodePath.join(tmpdir(), "promptreg-review-"));
  // Fixed dates: the same commits get the same ids on every run, so reports can be snapshot-tested.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: "1",
    HOME: dir,
    GIT_AUTHOR_DATE: "2026-01-01T00:00:00Z",
    GIT_COMMITTER_DATE: "2026-01-01T00:00:00Z",
  };
  for (const key of Object.keys(env))
    if (key.startsWith("GIT_DIR") || key === "GIT_WORK_TREE") delete env[key];
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: dir, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  git("init", "-q", "-b", "main");
  git("config", "user.email", "test@example.com");
  git("config", "user.name", "Test");
  git("config", "commit.gpgsign", "false");
  const write = (files: Record<string, string | Uint8Array | null>) => {
    for (const [path, content] of Object.entries(files)) {
      const absolute = nodePath.join(dir, ...path.split("/"));
      if (content === null) {
        rmSync(absolute, { force: true });
        continue;
      }
      mkdirSync(nodePath.dirname(absolute), { recursive: true });
      writeFileSync(absolute, content);
    }
  };
  return {
    dir,
    git,
    write,
    commit(files, message = "change") {
      write(files);
      git("add", "-A");
      git("commit", "-q", "--allow-empty", "-m", message);
      return git("rev-parse", "HEAD");
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
