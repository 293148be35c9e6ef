import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { useTempProject } from "../__fixtures__/temp-project.js";
import { templateYaml, writeTree } from "../__fixtures__/trees.js";

const project = useTempProject({ validTree: true });
const IO = { timeout: 60_000 };

function git(...args: string[]): string {
  return execFileSync("git", args, {
    cwd: project.dir,
    encoding: "utf8",
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: project.dir },
  }).trim();
}

/** Turns the temp project (templates/ copied from the valid tree) into a repository with one commit on main. */
function commitAll(message = "base"): void {
  if (
    git("rev-parse", "--is-inside-work-tree") !== "true" ||
    !git("rev-parse", "--show-toplevel").endsWith(path.basename(project.dir))
  ) {
    throw new Error("the temp project must be its own repository");
  }
  git("add", "-A");
  git("-c", "user.email=t@example.com", "-c", "user.name=T", "commit", "-q", "-m", message);
}

function initRepo(): void {
  git("init", "-q", "-b", "main");
  commitAll();
}

describe("promptreg review", () => {
  it("reviews the working tree against a ref and prints a markdown comment", IO, async () => {
    initRepo();
    await writeTree(path.join(project.dir, "templates"), {
      "greeting/farewell/1.0.0.yaml": templateYaml({ id: "greeting/farewell", version: "1.0.0" }),
    });
    const run = await project.cli(["review", "--base", "main"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^## promptreg review: main \([0-9a-f]{7}\) → working tree\n/);
    expect(run.stdout).toContain("| `greeting/farewell` | new template; 1.0.0 added | – | no | ✅ pass |");
    expect(run.stdout).toContain("**Example `one`**");
  });

  it("writes the JSON report to --out and exits 1 when the policy fails", IO, async () => {
    initRepo();
    const file = path.join(project.dir, "templates", "greeting", "hello", "1.0.0.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace("temperature: 0.5", "temperature: 0.7"));
    commitAll("edit a published version");
    const run = await project.cli([
      "review",
      "--base",
      "HEAD~1",
      "--head",
      "HEAD",
      "--format",
      "json",
      "--out",
      "out/review.json",
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^Wrote out\/review\.json: 1 template\(s\) changed, 0 breaking, 1 error\(s\)/);
    const report = JSON.parse(await readFile(path.join(project.dir, "out", "review.json"), "utf8"));
    expect(report).toMatchObject({
      format: "promptreg-review 1",
      ok: false,
      base: { name: "HEAD~1" },
      head: { name: "HEAD" },
      findings: [
        { code: "published_changed_in_place", severity: "error", file: "greeting/hello/1.0.0.yaml" },
      ],
    });
  });

  it("says which ref git does not know, and refuses refs that look like options", IO, async () => {
    initRepo();
    const unknown = await project.cli(["review", "--base", "origin/nope"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^promptreg review: git does not know the revision "origin\/nope"/);
    const option = await project.cli(["review", "--base=--output=/tmp/x"]);
    expect(option.code).toBe(1);
    expect(option.stderr).toContain("is not a revision promptreg review accepts");
  });

  it("needs --base and a git repository", IO, async () => {
    const missing = await project.cli(["review"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--base <git-ref> is required");
    const outside = await project.cli(["review", "--base", "main"]);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toMatch(/is not inside a git repository/);
  });
});
