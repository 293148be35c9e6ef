import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  createBundle,
  loadRegistryFromBundle,
  loadRegistryFromDir,
  type Problem,
  type Registry,
} from "@promptreg/registry";
import { beforeAll, describe, expect, it } from "vitest";
import { lintRegistry, lintTemplate } from "./lint.js";

// Lint problems point into the YAML file (through TemplateVersion.sourceMap), not at line 1 column 1.
const TREE = fileURLToPath(new URL("./__fixtures__/positions-tree", import.meta.url));

let registry: Registry;
beforeAll(async () => {
  registry = await loadRegistryFromDir(TREE);
});

/** The 1-based position of the `occurrence`-th `token` on line `line` of a fixture file. */
function at(file: string, line: number, token: string, occurrence = 1): { line: number; column: number } {
  const text = readFileSync(`${TREE}/${file}`, "utf8").split("\n")[line - 1]!;
  let index = -1;
  for (let n = 0; n < occurrence; n++) index = text.indexOf(token, index + 1);
  expect(index, `"${token}" on line ${line} of ${file}: ${text}`).toBeGreaterThanOrEqual(0);
  return { line, column: index + 1 };
}

const positioned = (problems: Problem[], file: string) =>
  problems
    .filter((problem) => problem.file === file)
    .map(({ line, column, code }) => ({ line, column, code }))
    .sort((a, b) => a.line - b.line || a.column - b.column);

describe("lintRegistry positions", () => {
  it("puts each problem of a broken template on its exact line and column", () => {
    const file = "demo/broken/1.0.0.yaml";
    expect(positioned(lintRegistry(registry), file)).toEqual([
      // A property key of input.properties.
      { ...at(file, 18, "never_used"), code: "unused_input" },
      // Inside a one-line quoted scalar: the column counts from inside the quote.
      { ...at(file, 22, "custmer"), code: "undeclared_variable" },
      // Inside a `|` block literal, line for line: inside #each, an unknown helper, a partial's problem at its include.
      { ...at(file, 28, "lable"), code: "undeclared_variable" },
      { ...at(file, 30, "{{shout"), code: "unknown_helper" },
      { ...at(file, 31, "{{> greet"), code: "undeclared_variable" },
    ]);
  });

  it("puts a failing example on its item and a Handlebars syntax error on its line", () => {
    const problems = lintRegistry(registry);
    expect(positioned(problems, "demo/example-fails/1.0.0.yaml")).toEqual([
      { ...at("demo/example-fails/1.0.0.yaml", 18, "name: without-note"), code: "example_failed" },
    ]);
    // "{{#if}} ... {{/each}}": Handlebars reports the mismatched block at its helper name.
    expect(positioned(problems, "demo/syntax/1.0.0.yaml")).toEqual([
      { ...at("demo/syntax/1.0.0.yaml", 16, "if ticket"), code: "template_syntax" },
    ]);
  });

  it("points a missing partial at its reference inside the block literal", () => {
    const version = registry.resolve("demo/broken@1.0.0");
    const missing = lintTemplate(version, new Map()).filter((problem) => problem.code === "missing_partial");
    expect(missing.map(({ line, column }) => ({ line, column }))).toEqual([
      at("demo/broken/1.0.0.yaml", 31, "{{> greet"),
    ]);
  });

  it("falls back to line 1, column 1 for a registry rebuilt from a bundle (no source positions)", () => {
    const fromBundle = loadRegistryFromBundle(JSON.parse(JSON.stringify(createBundle(registry))));
    const problems = lintRegistry(fromBundle);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((problem) => problem.line === 1 && problem.column === 1)).toBe(true);
    // Same findings as from the directory, only without positions.
    expect(problems.map((problem) => problem.code).sort()).toEqual(
      lintRegistry(registry)
        .map((problem) => problem.code)
        .sort(),
    );
  });
});
