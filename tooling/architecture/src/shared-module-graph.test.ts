import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { leftovers, sharedModuleGraphDirs } from "./shared-module-graph.js";

const REPO = new URL("../../../", import.meta.url).pathname;

describe("projects whose test files share one module graph (isolate: false)", () => {
  const dirs = sharedModuleGraphDirs(REPO);

  it("are the ones the root config names and those whose own config sets it", () => {
    expect(dirs).toEqual(expect.arrayContaining(["packages/cli", "packages/renderer", "packages/runtime"]));
    expect(dirs).toContain("apps/server");
    expect(dirs).not.toContain("packages/gateway");
  });

  it("leave nothing behind for the next file: no module mock, spy, stub, fake timers, env write or chdir", () => {
    const files = execFileSync(
      "git",
      ["ls-files", ...dirs.flatMap((dir) => [`${dir}/*.test.ts`, `${dir}/**/__fixtures__/*.ts`])],
      {
        cwd: REPO,
        encoding: "utf8",
      },
    )
      .split("\n")
      .filter(Boolean);
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap((file) => leftovers(file, readFileSync(path.join(REPO, file), "utf8")))).toEqual([]);
  });

  it("the check finds each kind of leftover, and reads an env comparison as harmless", () => {
    const sample = [
      'vi.mock("./x.js");',
      "vi.spyOn(console, 'log');",
      'vi.stubEnv("A", "1");',
      "vi.useFakeTimers();",
      'process.env.API_KEY = "x";',
      "delete process.env[name];",
      "process.chdir(dir);",
      'if (process.env.CI === "true") skip();',
    ].join("\n");
    expect(leftovers("f.ts", sample)).toEqual([
      "f.ts:1: module mock",
      "f.ts:2: spy",
      "f.ts:3: stubbed global or env",
      "f.ts:4: fake timers",
      "f.ts:5: environment write",
      "f.ts:6: environment write",
      "f.ts:7: working directory change",
    ]);
    expect(leftovers("g.ts", "vi.useFakeTimers();\ntry {} finally { vi.useRealTimers(); }")).toEqual([]);
  });
});
