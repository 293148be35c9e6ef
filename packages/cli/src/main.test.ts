import { writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { PolicyError } from "@promptreg/policy";
import { RegistryError } from "@promptreg/registry";
import { RenderError } from "@promptreg/renderer";
import { ReviewError } from "@promptreg/review";
import { describe, expect, it } from "vitest";
import { useTempProject } from "./__fixtures__/temp-project.js";
import { CONTENT_ERROR_BRANDS, main } from "./main.js";

const project = useTempProject();

describe("main", () => {
  it("exits 2 with the command list when no command is given", async () => {
    const run = await project.cli([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Usage: promptreg <command>");
  });

  it("exits 2 on an unknown command and suggests the closest one", async () => {
    const run = await project.cli(["vaildate"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "vaildate"');
    expect(run.stderr).toContain('Did you mean "validate"?');
    expect(run.stdout).toBe("");
  });

  it("exits 2 on an unknown flag: the reason, then how to see that command's usage", async () => {
    const run = await project.cli(["validate", "--frobnicate"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'promptreg validate: unknown flag "--frobnicate".\nRun `promptreg validate --help` to see its arguments and flags.\n',
    );
  });

  it("a bug is one line with the error's message, the stack only with PROMPTREG_DEBUG=1", async () => {
    let stderr = "";
    const io = (env: Record<string, string>) => ({
      cwd: project.dir,
      // A sink that fails is not an error the CLI knows: it reaches the last-resort branch of main.
      stdout: {
        write: () => {
          throw new TypeError("sink broke\n    at forged (x.ts:1:1)");
        },
      },
      stderr: { write: (chunk: string) => (stderr += chunk) },
      stdin: Readable.from([]),
      env,
    });
    expect(await main(["list", "--dir", "."], io({}))).toBe(1);
    expect(stderr).toBe(
      "promptreg list: unexpected error (TypeError: sink broke\\u000a    at forged (x.ts:1:1)); this is a bug in promptreg. Please report it with the command you ran (PROMPTREG_DEBUG=1 prints the stack).\n",
    );
    stderr = "";
    expect(await main(["list", "--dir", "."], io({ PROMPTREG_DEBUG: "1" }))).toBe(1);
    expect(stderr.split("\n")[0]).toMatch(/^promptreg list: unexpected error \(TypeError: sink broke/);
    expect(stderr).toMatch(/^ {4}at /m);
  });

  it("recognises the packages' content errors by the brands their classes declare", () => {
    // main.ts names the brands so that reporting an error loads none of these packages; they must stay the classes'.
    expect(CONTENT_ERROR_BRANDS).toEqual([
      RegistryError.brand,
      RenderError.brand,
      PolicyError.brand,
      ReviewError.brand,
    ]);
  });

  it("exits 2 when a string flag has no value", async () => {
    const run = await project.cli(["validate", "--dir"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--dir");
  });

  it("exits 2 on an unexpected positional argument", async () => {
    const run = await project.cli(["validate", "extra"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unexpected argument "extra"');
  });

  it("prints a command's usage on --help and exits 0", async () => {
    const run = await project.cli(["render", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: promptreg render <ref>");
  });

  it("prints the top-level usage on --help and exits 0", async () => {
    const run = await project.cli(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Commands:");
  });

  it("exits 1 with a how-to-fix message when the template directory is missing", async () => {
    const run = await project.cli(["validate", "--dir", "nope"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Template directory "nope" does not exist');
    expect(run.stderr).toContain("--dir");
  });

  it("exits 1 when --dir is a file, not a directory", async () => {
    await writeFile(path.join(project.dir, "file.txt"), "");
    const run = await project.cli(["list", "--dir", "file.txt"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Template directory "file.txt" is not a directory');
  });
});
