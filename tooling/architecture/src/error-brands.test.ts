import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { brandProblems, findDeclaredClasses } from "./error-brands.js";

const REPO = new URL("../../../", import.meta.url).pathname;

describe("error brands", () => {
  it("every error class in the workspace declares a brand of its own, and no two share one", async () => {
    const classes = await findDeclaredClasses({ roots: ["packages", "apps", "tooling"], baseDir: REPO });
    // The scan must see the error classes at all (a broken walk would find none and pass vacuously).
    const errorClasses = classes.filter((declared) => declared.brand !== undefined);
    expect(errorClasses.length).toBeGreaterThan(90);
    expect(
      brandProblems(classes, "PromptregBaseError").map((problem) => `${problem.file}: ${problem.detail}`),
    ).toEqual([]);
  });

  describe("the check itself", () => {
    const dirs: string[] = [];
    afterAll(async () => {
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    });

    async function project(files: Record<string, string>): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), "promptreg-brands-"));
      dirs.push(dir);
      await mkdir(join(dir, "src"));
      for (const [name, text] of Object.entries(files)) await writeFile(join(dir, "src", name), text);
      return dir;
    }

    it("reports a subclass two levels down without a brand, and a brand declared twice, across files", async () => {
      const dir = await project({
        "base.ts":
          'export class PkgError extends PromptregBaseError { static override readonly brand: symbol = Symbol.for("p.base"); }\n',
        "a.ts": 'import { PkgError } from "./base.js";\nexport class AError extends PkgError {}\n',
        "b.ts":
          'export class BError extends AError { static override readonly brand: symbol = Symbol.for("p.base"); }\n' +
          "export class NotAnError extends Map {}\n",
        "c.test.ts": "export class InATest extends PkgError {}\n",
      });
      const problems = brandProblems(
        await findDeclaredClasses({ roots: ["src"], baseDir: dir }),
        "PromptregBaseError",
      );
      expect(problems.map(({ name, problem }) => [name, problem]).sort()).toEqual([
        ["AError", "missing_brand"],
        ["PkgError", "duplicate_brand"],
      ]);
      expect(problems.find((problem) => problem.problem === "duplicate_brand")?.detail).toMatch(
        /"p\.base" of BError/,
      );
      expect(problems.find((problem) => problem.name === "AError")?.file).toBe(join("src", "a.ts"));
    });

    it("accepts a hierarchy where every class declares its own brand", async () => {
      const dir = await project({
        "ok.ts":
          'class PkgError extends PromptregBaseError { static override readonly brand = Symbol.for("p.base"); }\n' +
          'class AError extends PkgError { static override readonly brand = Symbol.for("p.a"); }\n',
      });
      expect(
        brandProblems(await findDeclaredClasses({ roots: ["src"], baseDir: dir }), "PromptregBaseError"),
      ).toEqual([]);
    });
  });
});
