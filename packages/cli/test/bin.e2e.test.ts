import { type AddressInfo, createServer as createNetServer } from "node:net";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runBin, runBinLoading } from "../src/__fixtures__/run-bin.js";
import { makeTempDir } from "../src/__fixtures__/run-cli.js";
import { copyValidTree, templateYaml, writeTree } from "../src/__fixtures__/trees.js";

function promptreg(
  args: string[],
  stdin?: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runBin(args, { env, ...(stdin === undefined ? {} : { stdin }) });
}

let temp: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  temp = await makeTempDir();
});
afterEach(async () => {
  await temp.cleanup();
});

describe("promptreg binary", () => {
  it("validate exits 0 on a valid tree and prints the summary on stdout", async () => {
    await copyValidTree(path.join(temp.dir, "t"));
    // Run from the repository root, whose promptreg.config.yaml is stricter than the defaults: name an empty one.
    await writeTree(temp.dir, { "defaults.yaml": "" });
    const config = path.join(temp.dir, "defaults.yaml");
    const run = await promptreg(["validate", "--dir", path.join(temp.dir, "t"), "--config", config]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("2 templates, 4 versions, 0 errors, 0 warnings\n");
    expect(run.code).toBe(0);
  });

  it("validate exits 1 on a broken tree", async () => {
    await writeTree(path.join(temp.dir, "t"), {
      "x/y/1.0.0.yaml": templateYaml({ id: "x/y", version: "1.0.0", extra: "surprise: true\n" }),
    });
    const run = await promptreg(["validate", "--dir", path.join(temp.dir, "t")]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/x\/y\/1\.0\.0\.yaml:20:1: error: .*surprise/);
  });

  it("exits 2 on an unknown command", async () => {
    const run = await promptreg(["publish"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "publish"');
    expect(run.stdout).toBe("");
  });

  it("render reads --input - from a real stdin pipe", async () => {
    await copyValidTree(path.join(temp.dir, "t"));
    const run = await promptreg(
      ["render", "greeting/hello@1.0.0", "--input", "-", "--dir", path.join(temp.dir, "t")],
      JSON.stringify({ name: "Ada" }),
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("--- user ---\n| Greet Ada.\n");
  });

  it("call reads its credential and URL from the process environment; a stopped service exits 1 with the hint", async () => {
    const probe = createNetServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const run = await promptreg(["call", "render", "greeting/hello", "--input", "-"], "{}", {
      PROMPTREG_URL: `http://127.0.0.1:${port}`,
      PROMPTREG_KEY_ID: "bin-test",
      PROMPTREG_SECRET: "bin-test-secret-0123456789",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot reach the promptreg service at http://127.0.0.1:${port}`);
    expect(run.stderr).toContain("start it with `pnpm start`");
    expect(run.stderr).not.toContain("bin-test-secret");
  });
}, 60_000);

describe("promptreg loads a command's module only when that command runs", () => {
  const commandModules = (loaded: string[]) =>
    loaded.filter((file) => file.startsWith("packages/cli/src/commands/"));
  const packagesLoaded = (loaded: string[]) => [
    ...new Set(
      loaded
        .filter((file) => !file.startsWith("packages/cli/"))
        .map((file) => file.split("/").slice(0, 2).join("/")),
    ),
  ];

  it("the usage, a command's usage and an unknown command load no command, and no package but core", async () => {
    const help = await runBinLoading(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: promptreg <command>");
    const renderHelp = await runBinLoading(["render", "--help"]);
    expect(renderHelp.code).toBe(0);
    expect(renderHelp.stdout).toContain("promptreg render");
    const unknown = await runBinLoading(["vaildate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Did you mean "validate"?');
    for (const run of [help, renderHelp, unknown]) {
      // The recorder saw the CLI's own modules: an empty list would prove nothing.
      expect(run.loaded).toContain("packages/cli/src/main.ts");
      expect(commandModules(run.loaded)).toEqual([]);
      expect(packagesLoaded(run.loaded)).toEqual(["packages/core"]);
    }
  });

  it("validate loads its own module and no other command's", async () => {
    await copyValidTree(path.join(temp.dir, "t"));
    await writeTree(temp.dir, { "defaults.yaml": "" });
    const run = await runBinLoading([
      "validate",
      "--dir",
      path.join(temp.dir, "t"),
      "--config",
      path.join(temp.dir, "defaults.yaml"),
    ]);
    expect(run.stdout).toBe("2 templates, 4 versions, 0 errors, 0 warnings\n");
    expect(commandModules(run.loaded)).toEqual(["packages/cli/src/commands/validate.ts"]);
    // What validate needs, and not what only other commands use (review, typegen, the client SDK, signing).
    expect(packagesLoaded(run.loaded)).not.toContain("packages/review");
    expect(packagesLoaded(run.loaded)).not.toContain("packages/client");
  });
}, 60_000);
