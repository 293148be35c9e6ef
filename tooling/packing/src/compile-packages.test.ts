import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compilePackages } from "./compile-packages.js";
import { runCommand } from "./run-command.js";
import { repoRoot } from "./workspace-packages.js";

let temp: string;
beforeEach(async () => {
  temp = await mkdtemp(path.join(tmpdir(), "promptreg-compile-test-"));
});
afterEach(async () => {
  await rm(temp, { recursive: true, force: true });
});

/** Every file under `dir`, relative to it, with its text. */
async function tree(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, file), await readFile(file, "utf8"));
  }
  return files;
}

describe("compilePackages", () => {
  it("writes what the package's own build (tsc -p tsconfig.build.json) writes, its maps pointing at ../src", async () => {
    // The client imports core and signing-core: its own build reads their sources, as the one program does.
    const client = path.join(repoRoot, "packages", "client");
    await compilePackages({ dirs: [client], destination: temp });
    const own = path.join(temp, "own-build");
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    const built = await runCommand(
      process.execPath,
      [tsc, "-p", path.join(client, "tsconfig.build.json"), "--outDir", own],
      { cwd: client },
    );
    expect(built.code, built.stdout + built.stderr).toBe(0);

    const ours = await tree(path.join(temp, "packages", "client", "dist"));
    const theirs = await tree(own);
    expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
    expect(ours.size).toBeGreaterThan(20);
    for (const [file, text] of ours) {
      if (!file.endsWith(".map")) {
        expect(text, file).toBe(theirs.get(file));
        continue;
      }
      // The own build here wrote outside the package, so only its maps' sources differ: ours are as in place.
      const { sources, ...map } = JSON.parse(text) as { sources: string[] };
      const { sources: _elsewhere, ...theirMap } = JSON.parse(theirs.get(file) ?? "{}") as {
        sources: string[];
      };
      expect(map, file).toEqual(theirMap);
      const depth = file.split(path.sep).length - 1;
      expect(sources, file).toEqual([`${"../".repeat(depth + 1)}src/${file.replace(/\.js\.map$/, ".ts")}`]);
    }
  });

  it("refuses a package whose build config sets options apart from the shared base, or builds elsewhere", async () => {
    const pkg = path.join(temp, "odd");
    await mkdir(path.join(pkg, "src"), { recursive: true });
    await writeFile(path.join(pkg, "src", "index.ts"), "export const x = 1;\n");
    const config = (compilerOptions: Record<string, unknown>) =>
      writeFile(
        path.join(pkg, "tsconfig.build.json"),
        JSON.stringify({
          extends: path.join(repoRoot, "tsconfig.base.json"),
          compilerOptions: { outDir: "dist", rootDir: "src", noEmit: false, ...compilerOptions },
          include: ["src"],
        }),
      );
    await config({ removeComments: true });
    await expect(compilePackages({ dirs: [pkg], destination: temp })).rejects.toThrow(
      /sets removeComments apart from tsconfig\.base\.json/,
    );
    await config({ outDir: "lib" });
    await expect(compilePackages({ dirs: [pkg], destination: temp })).rejects.toThrow(
      /expected outDir "dist"/,
    );
  });
});
