import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import nodePath from "node:path";
import { LIMITS } from "@promptreg/registry";
import { afterEach, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "./__fixtures__/git-repo.js";
import { SAFETY_PARTIAL, templateFiles } from "./__fixtures__/templates.js";
import { GitError } from "./errors/git-error.js";
import { findRepositoryTop, invalidRefReason, prefixInRepository, readGitTree } from "./git-tree.js";
import { loadGitRevision } from "./revision.js";

const repos: TestRepo[] = [];
function repo(): TestRepo {
  const created = createTestRepo();
  repos.push(created);
  return created;
}
afterEach(() => {
  for (const created of repos.splice(0)) created.remove();
});

const IO = { timeout: 60_000 };

describe("readGitTree", () => {
  it("reads the template tree at a ref without touching the work tree", IO, async () => {
    const r = repo();
    const first = r.commit({ "templates/a/b/1.0.0.yaml": "one", "README.md": "not a template" });
    r.commit({ "templates/a/b/1.0.0.yaml": "two", "templates/_partials/x.hbs": "p" });
    r.write({ "templates/a/b/1.0.0.yaml": "uncommitted" });
    const tree = await readGitTree({ repoDir: r.dir, ref: "HEAD~1", prefix: "templates" });
    expect(tree.commit).toBe(first);
    expect([...tree.files.keys()]).toEqual(["a/b/1.0.0.yaml"]);
    expect(new TextDecoder().decode(tree.files.get("a/b/1.0.0.yaml"))).toBe("one");
    const head = await readGitTree({ repoDir: r.dir, ref: "main", prefix: "./templates/" });
    expect(new TextDecoder().decode(head.files.get("a/b/1.0.0.yaml"))).toBe("two");
    expect(r.git("status", "--porcelain")).toBe("M templates/a/b/1.0.0.yaml");
  });

  it("keeps bytes exact (no newline or encoding conversion) and shares identical blobs", IO, async () => {
    const r = repo();
    const bytes = Uint8Array.of(0x61, 0x0d, 0x0a, 0xe9, 0x00, 0x62);
    r.commit({ "t/a/b/1.0.0.yaml": bytes, "t/a/c/1.0.0.yaml": bytes, "t/a/d/1.0.0.yaml": "" });
    const tree = await readGitTree({ repoDir: r.dir, ref: "HEAD", prefix: "t" });
    expect([...tree.files.get("a/b/1.0.0.yaml")!]).toEqual([...bytes]);
    expect([...tree.files.get("a/c/1.0.0.yaml")!]).toEqual([...bytes]);
    expect(tree.files.get("a/d/1.0.0.yaml")!.byteLength).toBe(0);
  });

  it("lists symlinks and oversize blobs as skipped instead of reading them", IO, async () => {
    const r = repo();
    r.write({ "templates/a/b/1.0.0.yaml": "x" });
    symlinkSync("/etc/passwd", nodePath.join(r.dir, "templates", "a", "b", "2.0.0.yaml"));
    r.commit({ "templates/a/big/1.0.0.yaml": "x".repeat(LIMITS.maxFileBytes + 1) });
    const tree = await readGitTree({ repoDir: r.dir, ref: "HEAD", prefix: "templates" });
    expect([...tree.files.keys()]).toEqual(["a/b/1.0.0.yaml"]);
    expect(tree.skipped).toEqual([
      expect.objectContaining({ path: "a/b/2.0.0.yaml", code: "unsafe_path" }),
      expect.objectContaining({ path: "a/big/1.0.0.yaml", code: "file_too_large" }),
    ]);
  });

  it("refuses refs that are options, ranges or path selectors before running git", () => {
    for (const ref of ["", "-c", "--output=/tmp/x", "main..feature", "HEAD:templates", "a b", "x\n", "*"]) {
      expect(invalidRefReason(ref), ref).toBeDefined();
    }
    for (const ref of ["main", "origin/main", "HEAD~1", "v1.2.0", "main^", "@{u}", "a1b2c3d"]) {
      expect(invalidRefReason(ref), ref).toBeUndefined();
    }
  });

  it("says which ref is invalid or unknown with a typed GitError", IO, async () => {
    const r = repo();
    r.commit({ "templates/x": "x" });
    const invalid = await readGitTree({
      repoDir: r.dir,
      ref: "--upload-pack=touch",
      prefix: "templates",
    }).catch((error: unknown) => error);
    expect(GitError.isInstance(invalid)).toBe(true);
    expect(invalid).toMatchObject({ code: "invalid_ref", ref: "--upload-pack=touch" });
    const unknown = await readGitTree({ repoDir: r.dir, ref: "no-such-branch", prefix: "templates" }).catch(
      (error: unknown) => error,
    );
    expect(unknown).toMatchObject({ code: "unknown_ref", ref: "no-such-branch" });
    expect((unknown as Error).message).toMatch(/no-such-branch.*fetch-depth: 0/);
  });

  it("says when the folder is not in a git repository", IO, async () => {
    const plain = mkdtempSync(nodePath.join(tmpdir(), "promptreg-no-git-"));
    try {
      const error = await findRepositoryTop(plain).catch((caught: unknown) => caught);
      expect(GitError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: "not_a_repository", repoDir: plain });
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });

  it("finds the template root's prefix below the repository top", IO, async () => {
    const r = repo();
    r.commit({ "sub/templates/x": "x" });
    const top = await findRepositoryTop(nodePath.join(r.dir, "sub"));
    expect(await prefixInRepository({ top, root: nodePath.join(r.dir, "sub", "templates") })).toBe(
      "sub/templates",
    );
    await expect(prefixInRepository({ top, root: nodePath.parse(r.dir).root })).rejects.toMatchObject({
      code: "not_a_repository",
    });
  });
});

describe("loadGitRevision", () => {
  it("loads a revision into a registry through the registry's own loader", IO, async () => {
    const r = repo();
    r.commit({ ...templateFiles(), "templates/_partials/safety.hbs": SAFETY_PARTIAL });
    r.commit({ ...templateFiles({ version: "1.1.0" }) });
    const base = await loadGitRevision({ repoDir: r.dir, ref: "HEAD~1", prefix: "templates" });
    const head = await loadGitRevision({ repoDir: r.dir, ref: "HEAD", prefix: "templates" });
    expect(base.registry?.versions("support/summarize")).toEqual(["1.0.0"]);
    expect(head.registry?.versions("support/summarize")).toEqual(["1.0.0", "1.1.0"]);
    expect(head.registry?.partials.get("safety")).toBe(SAFETY_PARTIAL);
    expect(head.store.location).toBe("git HEAD:templates");
  });

  it(
    "reports a revision that does not load as problems, with positions, instead of throwing",
    IO,
    async () => {
      const r = repo();
      r.commit({
        "templates/support/summarize/1.0.0.yaml": "id: [unclosed",
        "templates/a/b/2.0.0.yaml": Uint8Array.of(0xff),
      });
      const revision = await loadGitRevision({ repoDir: r.dir, ref: "HEAD", prefix: "templates" });
      expect(revision.registry).toBeUndefined();
      expect(revision.problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ file: "a/b/2.0.0.yaml", code: "invalid_utf8", line: 1, column: 1 }),
          expect.objectContaining({ file: "support/summarize/1.0.0.yaml", severity: "error" }),
        ]),
      );
    },
  );
});
