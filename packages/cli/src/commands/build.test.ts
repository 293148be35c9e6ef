import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import { loadRegistryFromBundle, loadRegistryFromDir } from "@promptreg/registry";
import { describe, expect, it } from "vitest";
import { useTempProject } from "../__fixtures__/temp-project.js";
import { templateYaml, writeTree } from "../__fixtures__/trees.js";

const tscBin = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const run = promisify(execFile);

const project = useTempProject({ validTree: true });

/** Type-checks `files` (written into `dir` beside a strict NodeNext tsconfig) with the real tsc. */
async function typecheck(
  dir: string,
  files: Record<string, string>,
): Promise<{ code: number; output: string }> {
  await writeTree(dir, {
    ...files,
    "package.json": JSON.stringify({ type: "module" }),
    "tsconfig.json": JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: "NodeNext",
        moduleResolution: "NodeNext",
        target: "ES2022",
        types: [],
        skipLibCheck: false,
      },
      include: ["*.ts"],
    }),
  });
  try {
    const result = await run(process.execPath, [tscBin, "-p", dir], { cwd: dir });
    return { code: 0, output: result.stdout };
  } catch (error) {
    const failure = error as { code: number; stdout: string };
    return { code: failure.code, output: failure.stdout };
  }
}

describe("promptreg build", () => {
  it("writes a bundle that loads back into the same registry", async () => {
    const result = await project.cli(["build"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      "Wrote dist/promptreg/bundle.json\nWrote dist/promptreg/templates.d.ts\n2 templates, 4 versions\n",
    );
    const bundle = JSON.parse(await readFile(path.join(project.dir, "dist/promptreg/bundle.json"), "utf8"));
    const fromBundle = loadRegistryFromBundle(bundle);
    const fromDir = await loadRegistryFromDir(path.join(project.dir, "templates"));
    expect(fromBundle.ids()).toEqual(fromDir.ids());
    for (const id of fromDir.ids()) {
      expect(fromBundle.versions(id)).toEqual(fromDir.versions(id));
      expect(fromBundle.labels(id)).toEqual(fromDir.labels(id));
      for (const version of fromDir.versions(id)) {
        expect(fromBundle.get(id, version)?.hash).toBe(fromDir.get(id, version)?.hash);
      }
    }
    expect(fromBundle.resolve("greeting/hello@production").version).toBe("1.0.0");
  });

  it("honours --out and --dir relative to the cwd", async () => {
    const result = await project.cli(["build", "--dir", "templates", "--out", "out/types"]);
    expect(result.code).toBe(0);
    const types = await readFile(path.join(project.dir, "out/types/templates.d.ts"), "utf8");
    expect(types).toContain("export interface TemplateMap");
  });

  it("generated types give callers a compile error for a wrong input", async () => {
    expect((await project.cli(["build", "--out", "gen"])).code).toBe(0);
    const generated = await readFile(path.join(project.dir, "gen/templates.d.ts"), "utf8");
    const caller = `import type { TemplateMap, TemplateRefKey } from "./templates.js";

declare function call<K extends keyof TemplateMap>(ref: K, input: TemplateMap[K]["input"]): TemplateMap[K]["output"];

const triage = call("support/triage@1.0.0", { ticket: "Nothing loads", channel: "email" });
const priority: "P1" | "P2" | "P3" = triage.priority;
const greeting: string = call("greeting/hello@production", { name: "Ada" }) satisfies string;
const json: { greeting: string } = call("greeting/hello", { name: "Ada", tone: "formal" });
const draft = call("greeting/hello@next", { names: ["Ada", "Grace"] });
const major = call("greeting/hello@^1", { name: "Ada" });
const keys: TemplateRefKey[] = ["greeting/hello@1.0.0", "greeting/hello@latest", "support/triage"];

// @ts-expect-error channel is "email" | "chat"
call("support/triage", { ticket: "x", channel: "fax" });
// @ts-expect-error a misspelt field is rejected (additionalProperties: false)
call("greeting/hello@1.0.0", { name: "Ada", nmae: "typo" });
// @ts-expect-error a required field is missing
call("greeting/hello@1.1.0", { tone: "warm" });
// @ts-expect-error an unknown reference is not a key
call("greeting/helo", { name: "Ada" });
// @ts-expect-error drafts are not selected by ranges: there is no ^2 key
call("greeting/hello@^2", { names: ["Ada"] });

export { priority, greeting, json, draft, major, keys };
`;
    // One tsc run: caller.ts must be clean (an unused @ts-expect-error would be an error too), and the same wrong
    // call without the directive in wrong.ts must be a real compile error naming the bad value.
    const result = await typecheck(path.join(project.dir, "consumer"), {
      "templates.d.ts": generated,
      "caller.ts": caller,
      "wrong.ts": `import type { TemplateMap } from "./templates.js";
declare function call<K extends keyof TemplateMap>(ref: K, input: TemplateMap[K]["input"]): void;
call("support/triage", { ticket: "x", channel: "fax" });
`,
    });
    const errors = result.output.split("\n").filter((line) => line.includes("error TS"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^wrong\.ts\(3,\d+\): error TS2322: Type '"fax"' is not assignable/);
    expect(result.code).not.toBe(0);
  }, 120_000);

  it("writes nothing and exits 1 when the templates have errors", async () => {
    await writeTree(path.join(project.dir, "templates"), {
      "bad/one/1.0.0.yaml": templateYaml({ id: "bad/one", version: "2.0.0" }),
    });
    const result = await project.cli(["build"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("templates/bad/one/1.0.0.yaml:");
    await expect(readFile(path.join(project.dir, "dist/promptreg/bundle.json"))).rejects.toThrow();
  });

  it("rejects positional arguments (usage error)", async () => {
    const result = await project.cli(["build", "somewhere"]);
    expect(result.code).toBe(2);
  });
});
