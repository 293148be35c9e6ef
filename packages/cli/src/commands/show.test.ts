import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeTempDir, runCli } from "../__fixtures__/run-cli.js";
import { copyValidTree } from "../__fixtures__/trees.js";

let temp: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  temp = await makeTempDir();
  await copyValidTree(path.join(temp.dir, "templates"));
});
afterEach(async () => {
  await temp.cleanup();
});

describe("promptreg show", () => {
  it("shows the resolved version with its file, model, examples and schemas", async () => {
    const run = await runCli(["show", "greeting/hello@production"], { cwd: temp.dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^greeting\/hello@1\.0\.0 {2}published {2}sha256:[0-9a-f]{64}\nGreets a person by name\.\n/,
    );
    expect(run.stdout).toContain("file       templates/greeting/hello/1.0.0.yaml\n");
    expect(run.stdout).toContain("model      openai/gpt-4o-mini (fallbacks: anthropic/claude-3-5-haiku)\n");
    expect(run.stdout).toContain("examples   ada\n");
    expect(run.stdout).toContain('"required": [\n    "name"\n  ]');
    expect(run.stdout).toContain("output schema:\nnone (free text)\n");
  });

  it("prints JSON without the compiled zod schemas", async () => {
    const run = await runCli(["show", "greeting/hello", "--json"], { cwd: temp.dir });
    expect(run.code).toBe(0);
    const details = JSON.parse(run.stdout);
    expect(details).toMatchObject({ id: "greeting/hello", version: "1.1.0", status: "published" });
    expect(details.outputSchema).toMatchObject({ required: ["greeting"] });
    expect(details).not.toHaveProperty("input");
    expect(details).not.toHaveProperty("output");
  });

  it("exits 1 with suggestions for an unknown reference", async () => {
    const run = await runCli(["show", "greeting/hello@9"], { cwd: temp.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("1.0.0, 1.1.0, 2.0.0");
  });
});
