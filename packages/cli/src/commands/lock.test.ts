import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { useTempProject } from "../__fixtures__/temp-project.js";
import { templateYaml, writeTree } from "../__fixtures__/trees.js";

const project = useTempProject({ validTree: true });
const lockPath = () => path.join(project.dir, "templates", "promptreg.lock");
const hello = () => path.join(project.dir, "templates", "greeting", "hello", "1.0.0.yaml");

describe("promptreg lock", () => {
  it("keeps a committed lock that matches the tree as it is", async () => {
    const before = await readFile(lockPath(), "utf8");
    const run = await project.cli(["lock"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toBe("templates/promptreg.lock is up to date (3 published versions locked).\n");
    expect(await readFile(lockPath(), "utf8")).toBe(before);
  });

  it("adds a newly published version, and validate then passes", async () => {
    await writeTree(path.join(project.dir, "templates"), {
      "greeting/hello/1.2.0.yaml": templateYaml({ id: "greeting/hello", version: "1.2.0" }),
    });
    // Not locked yet: validate names the file and the fix.
    const before = await project.cli(["validate"]);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(
      /^templates\/greeting\/hello\/1\.2\.0\.yaml:1:1: error: greeting\/hello@1\.2\.0 is published but not in promptreg\.lock\. Run `promptreg lock`.* \[lock_version_missing\]$/m,
    );
    const run = await project.cli(["lock"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      "Wrote templates/promptreg.lock (4 published versions locked).\n  added: greeting/hello@1.2.0\n",
    );
    expect(await readFile(lockPath(), "utf8")).toMatch(
      /^version greeting\/hello@1\.2\.0 sha256:[0-9a-f]{64}$/m,
    );
    expect((await project.cli(["validate", "--strict"])).code).toBe(0);
  });

  it("refuses to re-hash a published version edited in place, until --allow-changed", async () => {
    const original = await readFile(hello(), "utf8");
    await writeFile(hello(), original.replace("one short, warm greeting", "one short, cold greeting"));
    const validate = await project.cli(["validate"]);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toMatch(
      /^templates\/greeting\/hello\/1\.0\.0\.yaml:1:1: error: greeting\/hello@1\.0\.0 is published, but its model, messages or schemas no longer match promptreg\.lock:\d+\..* \[published_changed_in_place\]$/m,
    );
    const lockBefore = await readFile(lockPath(), "utf8");
    const refused = await project.cli(["lock"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "promptreg lock: templates/promptreg.lock was not changed: published content changed in place (greeting/hello@1.0.0).",
    );
    expect(refused.stderr).toContain("--allow-changed");
    expect(await readFile(lockPath(), "utf8")).toBe(lockBefore);

    const accepted = await project.cli(["lock", "--allow-changed"]);
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain("  changed: greeting/hello@1.0.0\n");
    expect((await project.cli(["validate"])).code).toBe(0);
  });

  it("reports a changed partial once, naming the published versions that include it", async () => {
    await writeFile(path.join(project.dir, "templates/_partials/safety/untrusted.hbs"), "Changed.\n");
    const run = await project.cli(["validate", "--json"]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.problems).toEqual([
      expect.objectContaining({
        file: "templates/_partials/safety/untrusted.hbs",
        code: "published_partial_changed",
        severity: "error",
        message: expect.stringContaining("support/triage@1.0.0"),
      }),
    ]);
    expect((await project.cli(["lock"])).stderr).toContain("(partial safety/untrusted)");
  });

  it("writes the lockfile the config names, and validate reads it there", async () => {
    await writeTree(project.dir, { "promptreg.config.yaml": "lockfile: locks/prompts.lock\n" });
    await writeTree(project.dir, { "locks/.keep": "" });
    const run = await project.cli(["lock"]);
    expect(run.stdout).toContain("Wrote locks/prompts.lock (3 published versions locked).");
    const validate = await project.cli(["validate", "--json"]);
    expect(JSON.parse(validate.stdout)).toMatchObject({
      ok: true,
      config: "promptreg.config.yaml",
      problems: [],
    });
  });

  it("refuses to lock a tree that does not load", async () => {
    await writeTree(path.join(project.dir, "templates"), { "x/y/1.0.0.yaml": "id: x/y\n" });
    const run = await project.cli(["lock"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("error(s); fix them first");
  });
});
