import { execFile, spawn } from "node:child_process";
import { realpath } from "node:fs/promises";
import nodePath from "node:path";
import { LIMITS } from "@promptreg/registry";
import { GitError } from "./errors/git-error.js";

/** A file of the tree that was listed but not read, and why (the review reports it as a problem of the revision). */
export interface SkippedFile {
  /** Relative to the template root. */
  path: string;
  code: "unsafe_path" | "file_too_large";
  reason: string;
}

/** The template tree of one commit, read from git's object database (no checkout, no work tree touched). */
export interface GitTree {
  /** The ref as given (`main`, `HEAD~1`, a sha). */
  ref: string;
  /** The full commit id it resolved to. */
  commit: string;
  /** The template root relative to the repository root ("" for the root itself). */
  prefix: string;
  /** Blob bytes by path relative to the template root. */
  files: Map<string, Uint8Array>;
  skipped: SkippedFile[];
}

const MAX_REF_LENGTH = 256;
// Branch and tag names, shas, and the revision suffixes people type (HEAD~1, main^, @{u}); no ranges ("..")
// and no "rev:path" selectors, which would read something other than a commit.
const REF_PATTERN = /^[A-Za-z0-9_./@{}~^+-]+$/;

/** Why `ref` cannot be a revision to review, or undefined when it may be passed to git. */
export function invalidRefReason(ref: string): string | undefined {
  if (ref.length === 0) return "it is empty";
  if (ref.length > MAX_REF_LENGTH) return `it is longer than ${MAX_REF_LENGTH} characters`;
  if (ref.startsWith("-")) return 'it starts with "-" (git would read it as an option)';
  if (ref.includes("..")) return 'it contains ".." (a range); name one revision';
  if (!REF_PATTERN.test(ref)) {
    return "it contains characters a branch, tag or commit name does not use (spaces, control characters, :, \\, *, ?, [)";
  }
  return undefined;
}

/**
 * Git runs with a scrubbed environment: no GIT_DIR or GIT_WORK_TREE inherited from a hook or a wrapper, no prompt
 * for credentials, no optional locks on a repository someone else is using.
 */
function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("GIT_")) env[key] = value;
  return { ...env, GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0", LC_ALL: "C" };
}

// Read-only plumbing only: ls-tree and cat-file never run hooks, filters, textconv or fsmonitor programs, so nothing
// the compared revisions contain is executed.
const SAFE_CONFIG = ["-c", "core.fsmonitor=false", "--literal-pathspecs", "--no-replace-objects"];

interface GitFailure {
  exitCode: number | undefined;
  stderr: string;
  missing: boolean;
}

function runGit(options: { cwd: string; args: string[]; maxBuffer?: number }): Promise<Buffer> {
  const { cwd, args, maxBuffer = 64 * 1024 * 1024 } = options;
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      [...SAFE_CONFIG, ...args],
      { cwd, env: gitEnv(), encoding: "buffer", maxBuffer, windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const failure: GitFailure = {
          exitCode: typeof error.code === "number" ? error.code : undefined,
          stderr: stderr.toString("utf8").trim(),
          missing: error.code === "ENOENT",
        };
        reject(failure);
      },
    );
  });
}

function isGitFailure(value: unknown): value is GitFailure {
  return typeof value === "object" && value !== null && "stderr" in value && "missing" in value;
}

function failed(options: { error: unknown; repoDir: string; what: string; ref?: string }): GitError {
  const { error, repoDir, what, ref } = options;
  if (isGitFailure(error) && error.missing) {
    return new GitError({
      code: "git_unavailable",
      repoDir,
      message: "git is not installed or not on PATH; promptreg review reads revisions through git.",
      cause: error,
    });
  }
  const detail = isGitFailure(error) ? error.stderr : error instanceof Error ? error.message : String(error);
  return new GitError({
    code: "git_failed",
    repoDir,
    ...(ref === undefined ? {} : { ref }),
    message: `git failed while ${what} in ${repoDir}: ${detail || "no output"}`,
    cause: error,
  });
}

/** The top-level folder of the git work tree holding `cwd`; `not_a_repository` when there is none. */
export async function findRepositoryTop(cwd: string): Promise<string> {
  try {
    const out = await runGit({ cwd, args: ["rev-parse", "--show-toplevel"] });
    return out.toString("utf8").trim();
  } catch (error) {
    if (isGitFailure(error) && !error.missing && /not a git repository/i.test(error.stderr)) {
      throw new GitError({
        code: "not_a_repository",
        repoDir: cwd,
        message: `${cwd} is not inside a git repository; promptreg review compares two revisions of one. Run it in a clone (in CI: check out with enough history to include the base).`,
        cause: error,
      });
    }
    throw failed({ error, repoDir: cwd, what: "looking for the repository" });
  }
}

/** The commit `ref` names, checked first by `invalidRefReason`; `unknown_ref` when git does not know it. */
export async function resolveCommit(options: { repoDir: string; ref: string }): Promise<string> {
  const { repoDir, ref } = options;
  const reason = invalidRefReason(ref);
  if (reason) {
    throw new GitError({
      code: "invalid_ref",
      repoDir,
      ref: ref.slice(0, MAX_REF_LENGTH),
      message: `${JSON.stringify(ref.slice(0, MAX_REF_LENGTH))} is not a revision promptreg review accepts: ${reason}. Pass a branch, tag or commit such as main, origin/main, v1.2.0 or HEAD~1.`,
    });
  }
  try {
    const out = await runGit({
      cwd: repoDir,
      args: ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`],
    });
    return out.toString("utf8").trim();
  } catch (error) {
    if (isGitFailure(error) && error.exitCode === 1) {
      throw new GitError({
        code: "unknown_ref",
        repoDir,
        ref,
        message: `git does not know the revision "${ref}" in ${repoDir}. Check the name (git branch -a, git tag); in CI fetch it first (actions/checkout with fetch-depth: 0, or git fetch origin ${ref}).`,
        cause: error,
      });
    }
    throw failed({ error, repoDir, what: `resolving "${ref}"`, ref });
  }
}

interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  size: number | undefined;
  path: string;
}

function parseLsTree(output: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of output.toString("utf8").split("\0")) {
    if (record === "") continue;
    const tab = record.indexOf("\t");
    const [mode = "", type = "", oid = "", size = "-"] = record.slice(0, tab).split(/ +/);
    entries.push({
      mode,
      type,
      oid,
      size: size === "-" ? undefined : Number(size),
      path: record.slice(tab + 1),
    });
  }
  return entries;
}

/** Reads blobs with one `git cat-file --batch` process; returns bytes by object id. */
function readBlobs(options: { repoDir: string; oids: string[] }): Promise<Map<string, Uint8Array>> {
  const { repoDir, oids } = options;
  return new Promise((resolve, reject) => {
    const child = spawn("git", [...SAFE_CONFIG, "cat-file", "--batch"], {
      cwd: repoDir,
      env: gitEnv(),
      stdio: ["pipe", "pipe", "pipe"],
      windowsHide: true,
    });
    const chunks: Buffer[] = [];
    const errors: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => errors.push(chunk));
    child.on("error", (error: NodeJS.ErrnoException) =>
      reject({ exitCode: undefined, stderr: error.message, missing: error.code === "ENOENT" }),
    );
    child.on("close", (exitCode) => {
      if (exitCode !== 0) {
        reject({
          exitCode: exitCode ?? undefined,
          stderr: Buffer.concat(errors).toString("utf8"),
          missing: false,
        });
        return;
      }
      const out = Buffer.concat(chunks);
      const blobs = new Map<string, Uint8Array>();
      let offset = 0;
      while (offset < out.length) {
        const newline = out.indexOf(10, offset);
        const header = out.subarray(offset, newline).toString("utf8").split(" ");
        const [oid = "", type = "", size = "0"] = header;
        if (type === "missing" || newline === -1) {
          reject({ exitCode: 0, stderr: `object ${oid} is missing from the repository`, missing: false });
          return;
        }
        const start = newline + 1;
        const end = start + Number(size);
        blobs.set(oid, out.subarray(start, end));
        offset = end + 1;
      }
      resolve(blobs);
    });
    child.stdin.on("error", () => {
      // The close handler reports why git stopped reading.
    });
    child.stdin.end(oids.length > 0 ? `${oids.join("\n")}\n` : "");
  });
}

/**
 * The template tree under `prefix` (relative to the repository root) at `ref`, read with `git ls-tree -r -z` and
 * one `git cat-file --batch`: no checkout, no shell, nothing from the revision executed. Budgets are the loader's:
 * at most `LIMITS.maxFiles` files (else `tree_too_large`); a blob over `LIMITS.maxFileBytes` is listed in `skipped`
 * unread, like a symlink (never followed: its target could leave the tree). Submodules are ignored.
 */
export async function readGitTree(options: {
  repoDir: string;
  ref: string;
  prefix: string;
}): Promise<GitTree> {
  const { repoDir, ref } = options;
  const prefix = options.prefix
    .split("/")
    .filter((segment) => segment !== "" && segment !== ".")
    .join("/");
  const commit = await resolveCommit({ repoDir, ref });
  let listing: Buffer;
  try {
    listing = await runGit({
      cwd: repoDir,
      args: ["ls-tree", "-r", "-z", "--long", "--full-tree", commit, ...(prefix ? ["--", `${prefix}/`] : [])],
    });
  } catch (error) {
    throw failed({ error, repoDir, what: `listing ${prefix || "the tree"} at ${ref}`, ref });
  }
  const entries = parseLsTree(listing);
  if (entries.length > LIMITS.maxFiles) {
    throw new GitError({
      code: "tree_too_large",
      repoDir,
      ref,
      message: `${prefix || "the repository"} at ${ref} holds ${entries.length} files, more than the ${LIMITS.maxFiles} a template tree may have; point promptreg at the template folder (templates in promptreg.config.yaml, or --dir).`,
    });
  }
  const files = new Map<string, Uint8Array>();
  const skipped: SkippedFile[] = [];
  const wanted: { path: string; oid: string }[] = [];
  for (const entry of entries) {
    const path = prefix ? entry.path.slice(prefix.length + 1) : entry.path;
    if (entry.type !== "blob") continue;
    if (entry.mode === "120000") {
      skipped.push({ path, code: "unsafe_path", reason: "symlinks in a reviewed revision are not followed" });
    } else if ((entry.size ?? 0) > LIMITS.maxFileBytes) {
      skipped.push({
        path,
        code: "file_too_large",
        reason: `file is larger than ${LIMITS.maxFileBytes} bytes`,
      });
    } else {
      wanted.push({ path, oid: entry.oid });
    }
  }
  let blobs: Map<string, Uint8Array>;
  try {
    blobs = await readBlobs({ repoDir, oids: [...new Set(wanted.map((entry) => entry.oid))] });
  } catch (error) {
    throw failed({ error, repoDir, what: `reading ${prefix || "the tree"} at ${ref}`, ref });
  }
  for (const { path, oid } of wanted) files.set(path, blobs.get(oid)!);
  return { ref, commit, prefix, files, skipped };
}

/**
 * The template root as a path relative to the repository top (for `readGitTree`'s prefix). Both sides go through
 * realpath, so a temp folder behind a symlink (macOS /tmp) still matches; refuses a root outside the repository.
 */
export async function prefixInRepository(options: { top: string; root: string }): Promise<string> {
  const top = await realpath(options.top);
  const root = await realpath(options.root).catch(() => nodePath.resolve(options.root));
  const relative = nodePath.relative(top, root);
  if (relative.startsWith("..") || nodePath.isAbsolute(relative)) {
    throw new GitError({
      code: "not_a_repository",
      repoDir: options.top,
      message: `the template root ${options.root} is outside the git repository ${options.top}; run promptreg review inside the repository that holds the templates.`,
    });
  }
  return relative.split(nodePath.sep).join("/");
}
