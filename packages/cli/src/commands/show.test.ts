import { describe, expect, it } from "vitest";
import { useTempProject } from "../__fixtures__/temp-project.js";

const project = useTempProject({ validTree: true });

describe("promptreg show", () => {
  it("shows the resolved version with its file, model, examples and schemas", async () => {
    const run = await project.cli(["show", "greeting/hello@production"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^greeting\/hello@1\.0\.0 {2}published {2}sha256:[0-9a-f]{64}\nGreets a person by name\.\n/,
    );
    expect(run.stdout).toContain("file       templates/greeting/hello/1.0.0.yaml\n");
    expect(run.stdout).toContain("model      openai/gpt-4o-mini (fallbacks: anthropic/claude-3-5-haiku)\n");
    expect(run.stdout).toContain("examples   ada, long-name\n");
    expect(run.stdout).toContain('"required": [\n    "name"\n  ]');
    expect(run.stdout).toContain("output schema:\nnone (free text)\n");
  });

  it("prints JSON without the compiled zod schemas", async () => {
    const run = await project.cli(["show", "greeting/hello", "--json"]);
    expect(run.code).toBe(0);
    const details = JSON.parse(run.stdout);
    expect(details).toMatchObject({ id: "greeting/hello", version: "1.1.0", status: "published" });
    expect(details.outputSchema).toMatchObject({ required: ["greeting"] });
    expect(details).not.toHaveProperty("input");
    expect(details).not.toHaveProperty("output");
  });

  it("exits 1 with suggestions for an unknown reference", async () => {
    const run = await project.cli(["show", "greeting/hello@9"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("1.0.0, 1.1.0, 2.0.0");
  });
});
