import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { areTheTypesWrong } from "./lint-tarball.js";
import { runCommand } from "./run-command.js";

let temp: string;
beforeEach(async () => {
  temp = await mkdtemp(path.join(tmpdir(), "promptreg-attw-test-"));
});
afterEach(async () => {
  await rm(temp, { recursive: true, force: true });
});

/** A tarball as npm packs one: the files under `package/`. */
async function tarball(name: string, files: Record<string, string>): Promise<string> {
  const root = path.join(temp, name);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, "package", file)), { recursive: true });
    await writeFile(path.join(root, "package", file), text);
  }
  const file = path.join(temp, `${name}.tgz`);
  const packed = await runCommand("tar", ["-czf", file, "-C", root, "package"], { cwd: temp });
  expect(packed.code, packed.stderr).toBe(0);
  return file;
}

const manifest = JSON.stringify({
  name: "esm-only",
  version: "1.0.0",
  type: "module",
  exports: { ".": { types: "./index.d.ts", default: "./index.js" } },
});

describe("areTheTypesWrong (esm-only profile)", () => {
  it("passes an ESM-only package with types, though CommonJS `require` could not load it", async () => {
    const file = await tarball("good", {
      "package.json": manifest,
      "index.js": "export const x = 1;\n",
      "index.d.ts": "export declare const x = 1;\n",
    });
    expect(await areTheTypesWrong(file)).toEqual([]);
  });

  it("names the problem, entry point and resolution when an ESM resolution finds no types", async () => {
    const file = await tarball("untyped-entry", {
      "package.json": JSON.stringify({
        ...JSON.parse(manifest),
        exports: { ".": { types: "./index.d.ts", default: "./index.js" }, "./sub": "./sub.js" },
      }),
      "index.js": "export const x = 1;\n",
      "index.d.ts": "export declare const x = 1;\n",
      "sub.js": "export const y = 2;\n",
    });
    const problems = await areTheTypesWrong(file);
    expect(problems).toContain("UntypedResolution ./sub (node16-esm)");
    expect(problems).toContain("UntypedResolution ./sub (bundler)");
    expect(problems.join("\n")).not.toMatch(/\((node10|node16-cjs)\)/);
  });

  it("fails a package without any types (the attw CLI lets it pass)", async () => {
    const file = await tarball("untyped", { "package.json": manifest, "index.js": "export const x = 1;\n" });
    expect(await areTheTypesWrong(file)).toEqual(["no types in untyped.tgz"]);
  });
});
