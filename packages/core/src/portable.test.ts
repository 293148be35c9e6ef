import { readdir, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";

/**
 * @promptreg/core is imported by the client SDK, which must run on edge runtimes (Workers, Deno, Bun): no runtime
 * dependencies and nothing but relative imports in the shipped code. (The build's tsconfig has no Node types, so
 * `Buffer` or `process` already fail the typecheck; this catches imports that types would not.)
 */
const root = new URL("../", import.meta.url);

describe("@promptreg/core stays portable", () => {
  it("has no runtime dependencies", async () => {
    const pkg = JSON.parse(await readFile(new URL("package.json", root), "utf8")) as Record<string, unknown>;
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.peerDependencies ?? {}).toEqual({});
    expect(pkg.type).toBe("module");
  });

  it("imports nothing but its own files", async () => {
    const files = (await readdir(new URL("src/", root))).filter(
      (name) => name.endsWith(".ts") && !name.endsWith(".test.ts"),
    );
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) {
      const text = await readFile(new URL(`src/${name}`, root), "utf8");
      const specifiers = [...text.matchAll(/\bfrom\s+"([^"]+)"|\bimport\s*\(\s*"([^"]+)"/g)].map(
        (m) => m[1] ?? m[2],
      );
      for (const specifier of specifiers)
        expect(specifier, `${name} imports ${specifier}`).toMatch(/^\.\/[\w-]+\.js$/);
      expect(text, name).not.toMatch(/\brequire\s*\(/);
    }
  });
});
