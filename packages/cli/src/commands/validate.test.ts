import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../__fixtures__/run-cli.js";
import { useTempProject } from "../__fixtures__/temp-project.js";
import { copyValidTree, realTemplates, templateYaml, writeTree } from "../__fixtures__/trees.js";

const project = useTempProject();

describe("promptreg validate", () => {
  it("exits 0 on a valid tree and prints the summary line", async () => {
    await copyValidTree(path.join(project.dir, "templates"));
    const run = await project.cli(["validate"]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("2 templates, 4 versions, 0 errors, 0 warnings\n");
    expect(run.code).toBe(0);
  });

  it("reports every problem of several broken files as path:line:col and exits 1", async () => {
    await writeTree(path.join(project.dir, "prompts"), {
      "team/typo/1.0.0.yaml": templateYaml({
        id: "team/typo",
        version: "1.0.0",
        extra: "descripton: oops\n",
      }),
      "team/broken/1.0.0.yaml": "id: team/broken\nversion: 1.0.0\nmessages: [\n",
      "team/labelled/1.0.0.yaml": templateYaml({ id: "team/labelled", version: "1.0.0" }),
      "team/labelled/labels.yaml": "production: 9.9.9\n",
      "team/fine/1.0.0.yaml": templateYaml({ id: "team/fine", version: "1.0.0" }),
    });
    const run = await project.cli(["validate", "--dir", "prompts"]);
    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split("\n");
    const summary = lines.pop();
    expect(summary).toMatch(/^4 templates, 4 versions, [3-9] errors, \d+ warnings?$/);
    for (const line of lines)
      expect(line).toMatch(
        /^prompts\/team\/[a-z]+\/[a-z0-9.]+\.yaml:\d+:\d+: (error|warning): .+ \[[a-z_]+\]$/,
      );
    const files = new Set(lines.map((line) => line.split(":")[0]));
    expect(files).toEqual(
      new Set([
        "prompts/team/typo/1.0.0.yaml",
        "prompts/team/broken/1.0.0.yaml",
        "prompts/team/labelled/labels.yaml",
      ]),
    );
    // The unknown key is on line 20 of the generated file (after the 19 lines of the template).
    expect(lines.find((line) => line.startsWith("prompts/team/typo/1.0.0.yaml:"))).toMatch(
      /^prompts\/team\/typo\/1\.0\.0\.yaml:20:1: error: .*descripton/,
    );
    expect(lines.find((line) => line.includes("labels.yaml"))).toContain("9.9.9");
  });

  it("paths are relative to the cwd, also when the tree is elsewhere", async () => {
    await writeTree(path.join(project.dir, "a", "templates"), {
      "x/y/1.0.0.yaml": templateYaml({ id: "x/y", version: "1.0.0", extra: "bogus: 1\n" }),
    });
    const cwd = path.join(project.dir, "b");
    await writeTree(cwd, { keep: "" });
    const run = await runCli(["validate", "--dir", "../a/templates"], { cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^\.\.\/a\/templates\/x\/y\/1\.0\.0\.yaml:20:1: error: /);
  });

  it("--json prints a machine-readable report", async () => {
    await writeTree(path.join(project.dir, "templates"), {
      "x/y/1.0.0.yaml": templateYaml({ id: "x/y", version: "1.0.0", extra: "bogus: 1\n" }),
    });
    const run = await project.cli(["validate", "--json"]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      ok: false,
      strict: false,
      templates: 1,
      versions: 1,
      errors: 1,
      warnings: 0,
    });
    expect(report.problems[0]).toMatchObject({
      file: "templates/x/y/1.0.0.yaml",
      line: 20,
      column: 1,
      severity: "error",
    });
  });

  it("adds the renderer's lints: undeclared variables fail, unused fields warn (and fail only with --strict)", async () => {
    const unused = templateYaml({ id: "lint/unused", version: "1.0.0" }).replace(
      "    text: { type: string }\n",
      "    text: { type: string }\n    spare: { type: string }\n",
    );
    await writeTree(path.join(project.dir, "templates"), { "lint/unused/1.0.0.yaml": unused });
    const lenient = await project.cli(["validate"]);
    expect(lenient.stdout).toMatch(
      /^templates\/lint\/unused\/1\.0\.0\.yaml:\d+:\d+: warning: .*"spare".* \[unused_input\]\n/,
    );
    expect(lenient.stdout).toMatch(/1 template, 1 version, 0 errors, 1 warning\n$/);
    expect(lenient.code).toBe(0);
    const strict = await project.cli(["validate", "--strict", "--json"]);
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout)).toMatchObject({ ok: false, strict: true, errors: 0, warnings: 1 });

    const undeclared = templateYaml({ id: "lint/undeclared", version: "1.0.0" }).replace(
      'content: "{{text}}"',
      'content: "{{text}} {{ghost}}"',
    );
    await writeTree(path.join(project.dir, "templates"), { "lint/undeclared/1.0.0.yaml": undeclared });
    const failing = await project.cli(["validate"]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(
      /^templates\/lint\/undeclared\/1\.0\.0\.yaml:\d+:\d+: error: .*"ghost".*\[undeclared_variable\]$/m,
    );
  });

  it("reports a missing partial with its position", async () => {
    const withPartial = templateYaml({ id: "p/q", version: "1.0.0" }).replace(
      'content: "{{text}}"',
      'content: "{{text}} {{> nowhere}}"',
    );
    await writeTree(path.join(project.dir, "templates"), { "p/q/1.0.0.yaml": withPartial });
    const run = await project.cli(["validate"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^templates\/p\/q\/1\.0\.0\.yaml:16:\d+: error: .*"nowhere".*\[missing_partial\]$/m,
    );
  });

  it("exits 0 on the repository's real templates/", async () => {
    const run = await project.cli(["validate", "--dir", realTemplates]);
    expect(run.stdout).toMatch(/\d+ templates, \d+ versions, 0 errors, \d+ warnings?\n$/);
    expect(run.code).toBe(0);
  });
});
