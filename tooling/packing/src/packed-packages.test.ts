import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
// The service's process helper (as packages/embedded's end-to-end test uses it): the real service from source.
import { type ServerProcess, startServerProcess } from "@promptreg/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFreshApp, type FreshApp, runtimeClosure } from "./fresh-app.js";
import { areTheTypesWrong, publint } from "./lint-tarball.js";
import { packPackages } from "./pack-packages.js";
import { runCommand } from "./run-command.js";
import { publishablePackages } from "./workspace-packages.js";

// Packed while this file is collected, in its own worker, so the other test files run meanwhile (a globalSetup
// held every test of the run back while the packages built).
const destination = await mkdtemp(path.join(tmpdir(), "promptreg-packed-"));
const packed = await packPackages(await publishablePackages(), destination);
let unpacked: string;

beforeAll(async () => {
  unpacked = await mkdtemp(path.join(tmpdir(), "promptreg-unpacked-"));
  for (const { name, tarball } of packed) {
    const into = path.join(unpacked, name);
    await runCommand("mkdir", ["-p", into], { cwd: unpacked });
    const result = await runCommand("tar", ["-xzf", tarball, "-C", into], { cwd: unpacked });
    expect(result.code, result.stderr).toBe(0);
  }
});

afterAll(async () => {
  await rm(unpacked, { recursive: true, force: true });
  await rm(destination, { recursive: true, force: true });
});

const manifestOf = async (name: string) =>
  JSON.parse(await readFile(path.join(unpacked, name, "package", "package.json"), "utf8")) as Record<
    string,
    unknown
  >;

describe("every publishable package", () => {
  it("is packed (new packages under packages/ are found without editing a list)", async () => {
    const names = (await publishablePackages()).map((pkg) => pkg.name);
    expect(packed.map((pkg) => pkg.name)).toEqual(names);
    expect(names).toEqual(
      expect.arrayContaining(["@promptreg/client", "@promptreg/cli", "@promptreg/signing"]),
    );
  });

  it("each builds its dist/ on prepack with its tsconfig.build.json, the build packPackages runs for all in one program", async () => {
    for (const pkg of await publishablePackages()) {
      const scripts = pkg.manifest.scripts as Record<string, string> | undefined;
      expect(scripts?.prepack, pkg.name).toBe("pnpm run build");
      expect(scripts?.build, pkg.name).toBe("tsc -p tsconfig.build.json");
    }
  });

  it.each(packed)("$name passes publint --strict", async ({ tarball }) => {
    const result = await publint(tarball);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it.each(packed)("$name passes attw (esm-only profile)", async ({ tarball }) => {
    expect(await areTheTypesWrong(tarball)).toEqual([]);
  });

  it.each(packed)(
    "$name ships built ESM with types and source maps, not its TypeScript source",
    async ({ name }) => {
      const manifest = await manifestOf(name);
      expect(manifest.type).toBe("module");
      const exportsMap = manifest.exports as Record<string, { types: string; default: string }>;
      expect(exportsMap["."]).toEqual({ types: "./dist/index.d.ts", default: "./dist/index.js" });
      const root = path.join(unpacked, name, "package");
      const index = await readFile(path.join(root, "dist", "index.js"), "utf8");
      expect(index).toContain("//# sourceMappingURL=index.js.map");
      const map = JSON.parse(await readFile(path.join(root, "dist", "index.js.map"), "utf8")) as {
        sourcesContent?: string[];
      };
      // The map carries its sources: src/ is not published, so a map that only pointed at it would point nowhere.
      expect(map.sourcesContent?.[0]).toContain("export");
      const listing = await runCommand(
        "tar",
        ["-tzf", packed.find((pkg) => pkg.name === name)?.tarball ?? ""],
        {
          cwd: root,
        },
      );
      expect(listing.stdout).not.toMatch(/^package\/src\//m);
      expect(listing.stdout).not.toMatch(/\.test\.(js|d\.ts)$/m);
      const dependencies = { ...(manifest.dependencies as Record<string, string> | undefined) };
      for (const [dependency, range] of Object.entries(dependencies)) {
        expect(range, `${name} -> ${dependency}`).not.toMatch(/^(workspace|catalog):/);
      }
    },
  );

  it("the promptreg binary is built JavaScript with a node shebang", async () => {
    const manifest = await manifestOf("@promptreg/cli");
    expect(manifest.bin).toEqual({ promptreg: "./dist/bin.js" });
    const bin = await readFile(path.join(unpacked, "@promptreg/cli", "package", "dist", "bin.js"), "utf8");
    expect(bin.startsWith("#!/usr/bin/env node\n")).toBe(true);
  });
});

describe("a fresh app outside the workspace (issue 10 quality)", () => {
  const KEY_ID = "fresh-app";
  const SECRET = "fresh-app-secret-0123456789abcdef";
  let app: FreshApp;
  let server: ServerProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    // What an app installs: the SDK, embedded mode and the CLI (for `promptreg types`), with the @promptreg
    // packages they depend on; not the service's batches and webhooks.
    const names = runtimeClosure(
      ["@promptreg/client", "@promptreg/embedded", "@promptreg/cli"],
      await publishablePackages(),
    );
    [app, server] = await Promise.all([
      createFreshApp(packed.filter((pkg) => names.includes(pkg.name))),
      startServerProcess({
        env: { LOG_LEVEL: "warn", PROMPTREG_WATCH: "false", PROMPTREG_CLIENT_KEYS: `${KEY_ID}:${SECRET}` },
      }),
    ]);
    env = { PROMPTREG_URL: server.url, PROMPTREG_KEY_ID: KEY_ID, PROMPTREG_SECRET: SECRET };
  }, 900_000);

  afterAll(async () => {
    await server?.kill();
    if (app) await rm(app.dir, { recursive: true, force: true });
  });

  it("writes its types with the packed CLI run by plain node, compiles strictly, and renders, runs, streams, gets a typed error and renders embedded against the real service", async () => {
    const types = await app.node(
      [
        "node_modules/@promptreg/cli/dist/bin.js",
        "types",
        "--from",
        server.url,
        "--out",
        "src/promptreg.d.ts",
      ],
      env,
    );
    expect(types.code, types.stdout + types.stderr).toBe(0);
    expect(await readFile(path.join(app.dir, "src", "promptreg.d.ts"), "utf8")).toContain("TemplateMap");

    const compiled = await app.tsc("tsconfig.json");
    expect(compiled.code, compiled.stdout + compiled.stderr).toBe(0);

    const run = await app.node(["dist/main.js"], env);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Record<string, Record<string, unknown> | string>;
    const ref = { id: "support/summarize-ticket", version: "1.1.0" };
    expect(report.rendered).toMatchObject({ ref });
    expect((report.rendered as { messages: number }).messages).toBeGreaterThan(0);
    expect(report.ran).toMatchObject({ ref, summary: expect.any(String) });
    expect(report.streamed).toMatchObject({ summary: expect.any(String) });
    expect((report.streamed as { deltas: number }).deltas).toBeGreaterThan(0);
    expect(report.typedError).toBe("input_invalid");
    expect(report.embedded).toMatchObject({ source: "service", ref, sameMessages: true });
  }, 300_000);

  it("refuses to compile a wrong input, naming the file and the property", async () => {
    const compiled = await app.tsc("tsconfig.wrong.json");
    expect(compiled.code).not.toBe(0);
    expect(compiled.stdout).toMatch(/src\/wrong-input\.ts\(\d+,\d+\): error TS\d+:/);
    expect(compiled.stdout).toContain("tikcet");
  }, 300_000);
});
