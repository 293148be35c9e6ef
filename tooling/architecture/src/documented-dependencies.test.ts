import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { misplacedTestFiles, parseDocumentedEdges, workspaceEdges } from "./documented-dependencies.js";

const REPO = new URL("../../../", import.meta.url).pathname;
const DOC = readFileSync(new URL("../../../docs/architecture.md", import.meta.url), "utf8");

describe("docs/architecture.md", () => {
  it("its dependency table names every workspace package with exactly the edges its package.json declares", () => {
    const documented = Object.fromEntries(parseDocumentedEdges(DOC));
    const declared = Object.fromEntries(workspaceEdges(REPO));
    expect(documented).toEqual(declared);
  });

  it("every test file lives where it says tests live (src/, test/ or fuzz/ of a package)", () => {
    const files = execFileSync("git", ["ls-files", "*.test.ts"], { cwd: REPO, encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
    expect(files.length).toBeGreaterThan(0);
    expect(misplacedTestFiles(files)).toEqual([]);
  });

  describe("the check itself", () => {
    const table = (rows: string) =>
      `<!-- dependency-table:start -->\n| package | depends on | dev only |\n| --- | --- | --- |\n${rows}\n<!-- dependency-table:end -->`;

    it("reads names, lists and the dash for none", () => {
      const edges = parseDocumentedEdges(table("| `@promptreg/cli` | `signing`, `client` | – |"));
      expect(Object.fromEntries(edges)).toEqual({ cli: { dependsOn: ["client", "signing"], devOnly: [] } });
    });

    it("refuses a row it cannot read instead of skipping it", () => {
      expect(() => parseDocumentedEdges(table("| `@promptreg/cli` | client, `signing` | – |"))).toThrow(
        /"client" is not a `name`/,
      );
      expect(() => parseDocumentedEdges("no table here")).toThrow(/dependency-table:start/);
    });

    it("a missing edge shows up as a difference", () => {
      const documented = Object.fromEntries(
        parseDocumentedEdges(table("| `@promptreg/cli` | `client` | – |")),
      );
      expect(documented).not.toEqual({ cli: { dependsOn: ["client", "signing"], devOnly: [] } });
    });

    it("places test files", () => {
      expect(
        misplacedTestFiles([
          "packages/a/src/x.test.ts",
          "apps/b/test/y.test.ts",
          "packages/a/bench/z.test.ts",
        ]),
      ).toEqual(["packages/a/bench/z.test.ts"]);
    });
  });
});
