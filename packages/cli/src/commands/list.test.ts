import path from "node:path";
import { describe, expect, it } from "vitest";
import { useTempProject } from "../__fixtures__/temp-project.js";
import { templateYaml, writeTree } from "../__fixtures__/trees.js";

const project = useTempProject({ validTree: true });

describe("promptreg list", () => {
  it("prints a table with latest, labels and versions", async () => {
    const run = await project.cli(["list"]);
    expect(run.code).toBe(0);
    const [header, hello, triage] = run.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^ID\s+LATEST\s+LABELS\s+VERSIONS\s+DESCRIPTION$/);
    expect(hello).toMatch(
      /^greeting\/hello\s+1\.1\.0\s+next=2\.0\.0, production=1\.0\.0\s+1\.0\.0, 1\.1\.0, 2\.0\.0\s+Greets/,
    );
    expect(triage).toMatch(/^support\/triage\s+1\.0\.0\s+-\s+1\.0\.0\s+Classifies/);
  });

  it("filters by tag and owner, and prints JSON summaries", async () => {
    const run = await project.cli(["list", "--tag", "support", "--owner", "support@acme.example", "--json"]);
    expect(run.code).toBe(0);
    const summaries = JSON.parse(run.stdout);
    expect(summaries.map((summary: { id: string }) => summary.id)).toEqual(["support/triage"]);
    expect(summaries[0]).toMatchObject({ latest: "1.0.0", versions: ["1.0.0"], tags: ["support"] });
  });

  it("says so when no template matches a filter", async () => {
    const run = await project.cli(["list", "--tag", "nothing-has-this"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("No templates match.\n");
  });

  it("rejects an unknown --status as a usage error", async () => {
    const run = await project.cli(["list", "--status", "live"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--status must be one of draft, published, deprecated; got "live"');
  });

  it("exits 1 with positioned problems when the tree has errors", async () => {
    await writeTree(path.join(project.dir, "templates"), {
      "bad/one/1.0.0.yaml": templateYaml({ id: "bad/one", version: "1.0.0", extra: "colour: red\n" }),
    });
    const run = await project.cli(["list"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("templates/bad/one/1.0.0.yaml:20:1: error:");
    expect(run.stderr).toContain("promptreg validate");
  });
});
