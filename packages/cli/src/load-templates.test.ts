import path from "node:path";
import { createFileSystemStore, LIMITS, loadRegistryFromDir, StoreError } from "@promptreg/registry";
import { describe, expect, it } from "vitest";
import { useTempProject } from "./__fixtures__/temp-project.js";
import { copyValidTree, writeTree } from "./__fixtures__/trees.js";
import { TemplatesUnreadableError } from "./errors/templates-unreadable-error.js";
import { loadTemplates } from "./load-templates.js";
import { storeFailure } from "./store-failure.js";
import { validateTemplates } from "./validation-report.js";

const project = useTempProject();

describe("template store failures become clear CLI errors", () => {
  it("a root that vanished after --dir was checked is a TemplatesUnreadableError, not a crash", async () => {
    await copyValidTree(path.join(project.dir, "templates"));
    const error = await loadTemplates({
      cwd: project.dir,
      dir: "templates",
      // The real loader on a directory that no longer exists: what a deleted or remounted tree produces.
      load: () => loadRegistryFromDir(path.join(project.dir, "gone")),
    }).catch((caught: unknown) => caught);
    expect(TemplatesUnreadableError.isInstance(error)).toBe(true);
    const unreadable = error as TemplatesUnreadableError;
    expect(unreadable).toMatchObject({
      storeCode: "root_not_found",
      code: "templates_root_not_found",
      exitCode: 1,
    });
    expect(unreadable.message).toContain('template directory "templates" cannot be read');
    expect(unreadable.message).toContain("Pass --dir");
  });

  it("validate of a root that does not exist reports root_not_found with the directory as typed", async () => {
    const error = await validateTemplates({
      root: path.join(project.dir, "missing"),
      cwd: project.dir,
      dir: "missing",
    }).catch((caught: unknown) => caught);
    expect(TemplatesUnreadableError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/^template directory "missing" cannot be read/);
  });

  it("an unsafe path names the file relative to the cwd and how to fix it", async () => {
    await writeTree(path.join(project.dir, "templates"), { "a/b/1.0.0.yaml": "id: a/b\n" });
    const root = path.join(project.dir, "templates");
    const error = await createFileSystemStore(root)
      .read("../secrets.yaml")
      .catch((caught: unknown) => caught);
    expect(StoreError.isInstance(error)).toBe(true);
    const failure = storeFailure({ error: error as StoreError, root, cwd: project.dir, dir: "templates" });
    expect(failure.storeCode).toBe("unsafe_path");
    expect(failure.path).toBe("secrets.yaml");
    expect(failure.message).toMatch(/^cannot read "secrets\.yaml" in template directory "templates": /);
    expect(failure.message).toContain("stay inside the template root");
    expect(failure.message).toMatch(/\[unsafe_path\]$/);
  });

  it("takes the store's reason field, not a slice of its message (a path with a control character is escaped there)", () => {
    const root = path.join(project.dir, "templates");
    const error = new StoreError({
      code: "store_read_failed",
      path: "a/\u001b[31mb.yaml",
      message: "permission denied",
    });
    const failure = storeFailure({ error, root, cwd: project.dir, dir: "templates" });
    expect(failure.message).toMatch(/in template directory "templates": permission denied\. /);
    expect(failure.message.split("b.yaml").length - 1).toBe(1);
  });

  it("an oversize file read directly names the file and the fix", async () => {
    const root = path.join(project.dir, "templates");
    await writeTree(root, { "a/b/1.0.0.yaml": "x".repeat(LIMITS.maxFileBytes + 1) });
    const error = await createFileSystemStore(root)
      .read("a/b/1.0.0.yaml")
      .catch((caught: unknown) => caught);
    const failure = storeFailure({ error: error as StoreError, root, cwd: project.dir, dir: "templates" });
    expect(failure.path).toBe("templates/a/b/1.0.0.yaml");
    expect(failure.message).toContain("partial");
  });
});

describe("a missing --dir", () => {
  it.each([
    ["validate", []],
    ["list", []],
    ["render", ["greeting/hello"]],
    ["show", ["greeting/hello"]],
    ["build", ["--out", "out"]],
    ["new", ["team/new-one"]],
  ])("%s exits 1 with how to fix it and no stack trace", async (command, args) => {
    const run = await project.cli([command, ...args, "--dir", "nope"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain('Template directory "nope" does not exist');
    expect(run.stderr).toContain("pass --dir");
    expect(run.stderr).not.toContain("this is a bug");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
