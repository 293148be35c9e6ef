import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { thrownBy } from "@promptreg/test-kit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultConfig, parseConfig, withTemplateRoot } from "./config.js";
import { findConfigFile, loadConfigFile } from "./config-file.js";
import { ConfigError } from "./errors/config-error.js";
import { RULES } from "./rules.js";

const problemsOf = (text: string) =>
  thrownBy(() => parseConfig({ text, file: "promptreg.config.yaml" }), ConfigError).problems;

describe("promptreg.config.yaml", () => {
  it("defaults every rule to its documented severity and options", () => {
    const config = defaultConfig();
    expect(config.paths).toEqual({
      templates: "templates",
      lockfile: "templates/promptreg.lock",
      snapshots: "templates/_snapshots",
    });
    for (const [code, definition] of Object.entries(RULES)) {
      expect(config.rules[code as keyof typeof RULES].severity).toBe(definition.defaultSeverity);
    }
    expect(config.rules.too_few_examples.options).toEqual({ min: 2 });
    expect(parseConfig({ text: "", file: "c" }).rules).toEqual(config.rules);
  });

  it("reads paths, prices, severities, options and excludes", () => {
    const config = parseConfig({
      file: "promptreg.config.yaml",
      text: `templates: prompts/
lockfile: prompts.lock
prices:
  acme/small: { input: 0.1, output: 0.2 }
rules:
  property_description: error
  too_few_examples: { severity: error, min: 3 }
  required_partial: { partials: [safety] }
  free_text_max_length: { exclude: [a/b, c/d@1.0.0] }
  fallback_missing: off
`,
    });
    expect(config.source).toBe("promptreg.config.yaml");
    expect(config.paths).toEqual({
      templates: "prompts",
      lockfile: "prompts.lock",
      snapshots: "prompts/_snapshots",
    });
    expect(config.prices).toEqual({ "acme/small": { input: 0.1, output: 0.2 } });
    expect(config.rules.property_description).toEqual({ severity: "error", options: {}, exclude: [] });
    expect(config.rules.too_few_examples).toMatchObject({ severity: "error", options: { min: 3 } });
    // An options mapping without severity keeps the rule's default severity ("off" here, so it stays off).
    expect(config.rules.required_partial).toMatchObject({
      severity: "off",
      options: { partials: ["safety"] },
    });
    expect(config.rules.free_text_max_length.exclude).toEqual(["a/b", "c/d@1.0.0"]);
    expect(config.rules.fallback_missing.severity).toBe("off");
  });

  it("reports every problem with its line, column and a suggestion", () => {
    const problems = problemsOf(`templtes: x
rules:
  propery_description: error
  too_few_examples: { severity: fatal, min: 0 }
  lock_invalid: { severity: warning, strict: true }
  output_format_partial: error
`);
    expect(problems).toEqual([
      expect.objectContaining({
        line: 1,
        column: 1,
        message: expect.stringContaining('Did you mean "templates"?'),
      }),
    ]);
    const rules = problemsOf(`rules:
  propery_description: error
  too_few_examples: { severity: fatal, min: 0 }
  lock_invalid: { severity: warning, strict: true }
  output_format_partial: error
`);
    expect(rules.map((p) => [p.line, p.column, p.path])).toEqual([
      [2, 3, "rules.propery_description"],
      [3, 33, "rules.too_few_examples.severity"],
      [3, 45, "rules.too_few_examples.min"],
      [4, 38, "rules.lock_invalid.strict"],
      [5, 26, "rules.output_format_partial"],
    ]);
    expect(rules[0]!.message).toContain('Did you mean "property_description"?');
    expect(rules[3]!.message).toContain("no options besides severity and exclude");
    expect(rules[4]!.message).toContain("has no partial");
  });

  it("refuses paths that leave the repository and malformed excludes", () => {
    const problems = problemsOf(`templates: ../elsewhere
lockfile: /etc/lock
rules:
  property_description: { exclude: ["Not An Id"] }
`);
    expect(problems.map((p) => p.path)).toEqual(["templates", "lockfile"]);
    expect(problemsOf(`rules:\n  property_description: { exclude: ["Not An Id"] }\n`)).toEqual([
      expect.objectContaining({ line: 2, path: "rules.property_description.exclude" }),
    ]);
  });

  it("reports YAML syntax errors and a non-mapping file", () => {
    expect(problemsOf("rules: [\n")[0]).toMatchObject({
      line: expect.any(Number),
      message: expect.stringContaining("YAML"),
    });
    expect(problemsOf("- a\n- b\n")[0]!.message).toContain("must be a mapping");
  });

  it("keeps explicit paths and moves derived ones with --dir", () => {
    const derived = withTemplateRoot(defaultConfig(), "other");
    expect(derived.paths).toEqual({
      templates: "other",
      lockfile: "other/promptreg.lock",
      snapshots: "other/_snapshots",
    });
    const explicit = withTemplateRoot(parseConfig({ text: "lockfile: keep.lock\n", file: "c" }), "other");
    expect(explicit.paths.lockfile).toBe("keep.lock");
  });
});

describe("finding promptreg.config.yaml", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "promptreg-config-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("searches up to the repository root, not above it", async () => {
    const repo = path.join(dir, "repo");
    const deep = path.join(repo, "packages", "app");
    await mkdir(path.join(repo, ".git"), { recursive: true });
    await mkdir(deep, { recursive: true });
    await writeFile(path.join(dir, "promptreg.config.yaml"), "templates: outside\n");
    expect(await findConfigFile(deep)).toBeUndefined();
    await writeFile(path.join(repo, "promptreg.config.yaml"), "templates: prompts\n");
    expect(await findConfigFile(deep)).toBe(path.join(repo, "promptreg.config.yaml"));
    const loaded = await loadConfigFile({ cwd: deep });
    expect(loaded).toMatchObject({ baseDir: repo, config: { paths: { templates: "prompts" } } });
    expect(loaded.config.source).toBe("../../promptreg.config.yaml");
  });

  it("resolves the paths of a config in a subfolder against the repository root", async () => {
    const repo = path.join(dir, "repo");
    await mkdir(path.join(repo, ".git"), { recursive: true });
    await mkdir(path.join(repo, "ci"));
    await writeFile(path.join(repo, "ci", "strict.yaml"), "rules: { property_description: error }\n");
    const loaded = await loadConfigFile({ cwd: repo, file: "ci/strict.yaml" });
    expect(loaded).toMatchObject({ baseDir: repo, config: { source: "ci/strict.yaml" } });
  });

  it("outside a repository looks only in the current directory", async () => {
    const inner = path.join(dir, "inner");
    await mkdir(inner);
    await writeFile(path.join(dir, "promptreg.config.yaml"), "templates: x\n");
    expect(await findConfigFile(inner)).toBeUndefined();
    expect(await loadConfigFile({ cwd: inner })).toMatchObject({ baseDir: inner, config: defaultConfig() });
  });

  it("names a --config file that does not exist", async () => {
    await expect(loadConfigFile({ cwd: dir, file: "nope.yaml" })).rejects.toMatchObject({
      code: "invalid_config",
      file: "nope.yaml",
      problems: [expect.objectContaining({ message: expect.stringContaining("does not exist") })],
    });
  });
});
