import { mkdir, readdir, readFile, symlink } from "node:fs/promises";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { useTempProject } from "../__fixtures__/temp-project.js";
import { writeTree } from "../__fixtures__/trees.js";

const project = useTempProject();
beforeEach(async () => {
  await writeTree(project.dir, { "templates/.keep": "" });
});

describe("promptreg new", () => {
  it("scaffolds a draft template that validate accepts", async () => {
    const run = await project.cli(["new", "marketing/product-blurb", "--owner", "growth@acme.example"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Created templates/marketing/product-blurb/1.0.0.yaml");
    const source = await readFile(
      path.join(project.dir, "templates/marketing/product-blurb/1.0.0.yaml"),
      "utf8",
    );
    expect(source).toMatch(/^# yaml-language-server: \$schema=\S+\/schemas\/template\.schema\.json\n/);
    expect(source).toContain("status: draft");
    expect(source).toContain('owners: ["growth@acme.example"]');

    const validate = await project.cli(["validate", "--strict"]);
    expect(validate.stdout).toBe("1 template, 1 version, 0 errors, 0 warnings\n");
    expect(validate.code).toBe(0);
    const list = await project.cli(["list", "--status", "draft", "--json"]);
    expect(JSON.parse(list.stdout)[0]).toMatchObject({ id: "marketing/product-blurb", versions: ["1.0.0"] });
  });

  it("points the $schema comment at the nearest schemas/ directory", async () => {
    await writeTree(project.dir, { "schemas/template.schema.json": "{}" });
    await project.cli(["new", "a/b"]);
    const source = await readFile(path.join(project.dir, "templates/a/b/1.0.0.yaml"), "utf8");
    expect(source.split("\n")[0]).toBe(
      "# yaml-language-server: $schema=../../../schemas/template.schema.json",
    );
  });

  it("refuses to overwrite an existing file and leaves it untouched", async () => {
    await writeTree(project.dir, { "templates/a/b/1.0.0.yaml": "mine" });
    const run = await project.cli(["new", "a/b"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('template "a/b" already exists (1.0.0.yaml in templates/a/b)');
    expect(await readFile(path.join(project.dir, "templates/a/b/1.0.0.yaml"), "utf8")).toBe("mine");
  });

  it("refuses an id that already has other versions", async () => {
    await writeTree(project.dir, { "templates/a/b/2.0.0.yaml": "x" });
    const run = await project.cli(["new", "a/b"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("already exists (2.0.0.yaml");
  });

  it.each([
    ["Upper/Case", 'Use lowercase: "upper/case"'],
    ["../escape", "not a valid template id"],
    ["a//b", "not a valid template id"],
    ["/abs", "not a valid template id"],
    ["_partials/x", "not a valid template id"],
    ["a b", "not a valid template id"],
  ])("refuses the bad id %j", async (id, fragment) => {
    const run = await project.cli(["new", id]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(fragment);
    expect(run.stderr).toContain("support/summarize-ticket");
  });

  it("needs an id (usage error)", async () => {
    const run = await project.cli(["new"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("missing <id>");
  });

  it("fails with a how-to-fix message when --dir does not exist", async () => {
    const run = await project.cli(["new", "a/b", "--dir", "elsewhere"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Template directory "elsewhere" does not exist');
  });

  it("refuses a symlink on the path instead of writing outside the template root", async () => {
    const outside = path.join(project.dir, "outside");
    await mkdir(outside);
    await symlink(outside, path.join(project.dir, "templates", "team"), "dir");
    const run = await project.cli(["new", "team/escape"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^promptreg new: .*"templates\/team" is a symbolic link.* Replace the link [^\n]*\n$/,
    );
    expect(run.stderr).not.toContain("    at ");
    expect(await readdir(outside)).toEqual([]);
  });

  it("refuses a dangling symlink as the version file", async () => {
    await mkdir(path.join(project.dir, "templates", "team", "link"), { recursive: true });
    await symlink(
      path.join(project.dir, "elsewhere.yaml"),
      path.join(project.dir, "templates", "team", "link", "1.0.0.yaml"),
    );
    const run = await project.cli(["new", "team/link"]);
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(await readdir(project.dir)).not.toContain("elsewhere.yaml");
  });

  it("a file where a directory belongs is a one-line error with a fix, not an internal error", async () => {
    await writeTree(project.dir, { "templates/team": "not a directory" });
    const run = await project.cli(["new", "team/blurb"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^promptreg new: .*"templates\/team" is a file, not a directory.* Rename or move [^\n]*\n$/,
    );
  });
});
