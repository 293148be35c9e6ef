import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findImportCycles } from "./import-cycles.js";

const REPO = new URL("../../../", import.meta.url).pathname;

describe("import cycles", () => {
  it("there are none in any package, app or tooling package, type-only imports included", async () => {
    const cycles = await findImportCycles({ roots: ["packages", "apps", "tooling"], baseDir: REPO });
    // On failure the message lists each cycle: break it by moving the shared type or value to a module both import.
    expect(cycles.map((found) => [found.from, ...found.cycle].join(" -> "))).toEqual([]);
  });

  describe("the check itself", () => {
    const dirs: string[] = [];
    afterAll(async () => {
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    });

    async function project(files: Record<string, string>): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), "promptreg-cycles-"));
      dirs.push(dir);
      for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
      return dir;
    }

    it("finds a cycle made only of `import type` edges written with NodeNext .js specifiers", async () => {
      const dir = await project({
        "a.ts": 'import type { B } from "./b.js";\nexport interface A { b?: B }\n',
        "b.ts": 'import type { C } from "./c.js";\nexport interface B { c?: C }\n',
        "c.ts": 'import type { A } from "./a.js";\nexport interface C { a?: A }\n',
      });
      const cycles = await findImportCycles({ roots: ["."], baseDir: dir });
      expect(cycles.length).toBeGreaterThan(0);
      expect([...cycles[0]!.cycle].sort()).toEqual(["a.ts", "b.ts", "c.ts"]);
    });

    it("finds none in the same modules once the shared types live in one module", async () => {
      const dir = await project({
        "types.ts": "export interface A { b?: B }\nexport interface B { a?: A }\n",
        "a.ts": 'import type { B } from "./types.js";\nexport const useB = (b: B) => b;\n',
        "b.ts":
          'import type { A } from "./types.js";\nimport { useB } from "./a.js";\nexport const useA = (a: A) => useB({ a });\n',
      });
      expect(await findImportCycles({ roots: ["."], baseDir: dir })).toEqual([]);
    });
  });
});
