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
    // A draft, so the only warning is the lint's (a published version would also ask for a lockfile).
    const unused = templateYaml({ id: "lint/unused", version: "1.0.0" })
      .replace("status: published", "status: draft")
      .replace(
        "    text: { type: string, maxLength: 1000, description: The text. }\n",
        "    text: { type: string, maxLength: 1000, description: The text. }\n    spare: { type: string, maxLength: 10, description: Not used. }\n",
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

  it("applies the authoring rules at their default severities, and promptreg.config.yaml changes them", async () => {
    const sloppy = templateYaml({ id: "team/sloppy", version: "1.0.0" })
      .replace("status: published", "status: draft")
      .replace(
        "model:\n  name: openai/gpt-4o-mini\n",
        "model:\n  name: openai/gpt-4o-mini\n  params: { temprature: 0 }\n",
      )
      .replace("text: { type: string, maxLength: 1000, description: The text. }", "text: { type: string }");
    await writeTree(path.join(project.dir, "templates"), { "team/sloppy/1.0.0.yaml": sloppy });
    const defaults = await project.cli(["validate"]);
    expect(defaults.code).toBe(1);
    const lines = defaults.stdout.trimEnd().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(
        /^templates\/team\/sloppy\/1\.0\.0\.yaml:9:13: error: .*temprature.*Did you mean "temperature"\?.* \[model_param_unknown\]$/,
      ),
      expect.stringMatching(
        /^templates\/team\/sloppy\/1\.0\.0\.yaml:13:5: warning: .*input\.properties\.text is free text without maxLength.* \[free_text_max_length\]$/,
      ),
      expect.stringMatching(
        /^templates\/team\/sloppy\/1\.0\.0\.yaml:13:5: warning: .*input\.properties\.text has no description.* \[property_description\]$/,
      ),
      "1 template, 1 version, 1 error, 2 warnings",
    ]);
    await writeTree(project.dir, {
      "promptreg.config.yaml":
        "rules:\n  model_param_unknown: { severity: warning, allow: [temprature] }\n  property_description: off\n  free_text_max_length: error\n",
    });
    const configured = await project.cli(["validate"]);
    expect(configured.stdout).toMatch(
      /\[free_text_max_length\]\n1 template, 1 version, 1 error, 0 warnings\n$/,
    );
  });

  it("reads --config, and stops with file:line:col on an invalid config", async () => {
    await copyValidTree(path.join(project.dir, "templates"));
    // A repository root (the folder with .git), so the config's paths are relative to it, not to ci/.
    await writeTree(project.dir, {
      ".git/HEAD": "ref: refs/heads/main\n",
      "ci/strict.yaml": "rules:\n  too_few_examples: { severity: error, min: 3 }\n",
    });
    const strict = await project.cli(["validate", "--config", "ci/strict.yaml", "--json"]);
    expect(strict.stderr).toBe("");
    expect(strict.code).toBe(1);
    const report = JSON.parse(strict.stdout);
    expect(report.config).toBe("ci/strict.yaml");
    expect(new Set(report.problems.map((p: { code: string }) => p.code))).toEqual(
      new Set(["too_few_examples"]),
    );

    await writeTree(project.dir, { "promptreg.config.yaml": "rules:\n  too_few_exampels: error\n" });
    const invalid = await project.cli(["validate"]);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toBe("");
    expect(invalid.stderr).toContain(
      'promptreg.config.yaml:2:3: Unknown rule "too_few_exampels". Did you mean "too_few_examples"?',
    );
  });
});
