import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { packagePrograms, tscProgram, typecheckConfigs, uncoveredPrograms } from "./typecheck-programs.js";

const REPO = new URL("../../../", import.meta.url).pathname;
const rootScript =
  (JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { scripts: Record<string, string> })
    .scripts.typecheck ?? "";

describe("pnpm typecheck (the root program CI runs instead of one tsc per package)", () => {
  const packages = packagePrograms(REPO);
  const root = typecheckConfigs(rootScript, REPO).map((config) => tscProgram(config, REPO));

  it("checks every file of every package's own typecheck with that package's options", () => {
    expect(packages.length).toBeGreaterThan(20);
    expect(uncoveredPrograms(packages, root)).toEqual([]);
  });

  it("would miss a package whose options differ from the shared program's, or whose files it lacks", () => {
    const shared = root.filter((program) => program.config === "tsconfig.check.json");
    expect(shared).toHaveLength(1);
    // docs-site adds the DOM library; core's and signing-core's build configs drop Node's types.
    expect(uncoveredPrograms(packages, shared).sort()).toEqual([
      "packages/core/tsconfig.build.json",
      "packages/signing-core/tsconfig.build.json",
      "tooling/docs-site/tsconfig.json",
    ]);
    const [program] = shared;
    if (!program) throw new Error("unreachable");
    const fewer = {
      ...program,
      files: program.files.filter((file) => !file.includes("/packages/cli/test/")),
    };
    expect(uncoveredPrograms(packages, [fewer])).toContain("packages/cli/tsconfig.json");
  });

  it("reads only tsc steps, so a step of another kind cannot slip past the comparison", () => {
    expect(() => typecheckConfigs("tsc --noEmit && vue-tsc --noEmit", REPO)).toThrow(/vue-tsc --noEmit/);
    expect(() => typecheckConfigs("tsc --noEmit --skipLibCheck", REPO)).toThrow(/not "tsc/);
  });
});
