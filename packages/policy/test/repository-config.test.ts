// This repository's own promptreg.config.yaml is where the house rules of docs/templates/authoring.md live (not only in
// tests): `pnpm check` ends with `promptreg validate`, which applies them. This test keeps the config from being
// quietly relaxed and proves templates/ passes it, with the lockfile.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadRegistryFromDir } from "@promptreg/registry";
import { describe, expect, it } from "vitest";
import { applyRuleSettings, checkLock, lintAuthoring, parseConfig, RULES } from "../src/index.js";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

async function repositoryConfig() {
  const file = path.join(REPO_ROOT, "promptreg.config.yaml");
  return parseConfig({ text: await readFile(file, "utf8"), file: "promptreg.config.yaml" });
}

describe("this repository's promptreg.config.yaml", () => {
  it("keeps every validate rule at error, with the house options", async () => {
    const { rules, paths } = await repositoryConfig();
    expect(paths.templates).toBe("templates");
    for (const [code, definition] of Object.entries(RULES)) {
      if (definition.stage === "review") continue;
      expect(rules[code as keyof typeof RULES].severity, code).toBe("error");
    }
    expect(rules.too_few_examples.options.min).toBeGreaterThanOrEqual(2);
    expect(rules.required_partial.options.partials).toContain("safety/untrusted-input");
    expect(rules.output_format_partial.options.partial).toBe("format/json-only");
    expect(rules.fallback_missing.options.otherProvider).toBe(true);
    // Exclusions are only for versions published before a rule existed, never for a whole template.
    for (const [code, setting] of Object.entries(rules)) {
      for (const entry of setting.exclude)
        expect(entry, `${code} excludes ${entry}`).toMatch(/@\d+\.\d+\.\d+$/);
    }
  });

  it("passes templates/ with zero findings, lockfile included", async () => {
    const { rules, paths } = await repositoryConfig();
    const root = path.join(REPO_ROOT, paths.templates);
    const registry = await loadRegistryFromDir(root);
    const sources = new Map<string, string>();
    for (const version of registry.templates()) {
      sources.set(version.source.path, await readFile(path.join(root, version.source.path), "utf8"));
    }
    const lockText = await readFile(path.join(REPO_ROOT, paths.lockfile), "utf8");
    const findings = [
      ...lintAuthoring({ registry, rules, sources }),
      ...checkLock({ registry, lockText, lockFile: path.relative(paths.templates, paths.lockfile) }),
    ];
    const problems = applyRuleSettings(findings, rules);
    expect(problems.map((p) => `${p.file}:${p.line}:${p.column} [${p.code}] ${p.message}`)).toEqual([]);
    // Excluded versions really exist (a stale exclusion would hide nothing and mislead).
    for (const setting of Object.values(rules)) {
      for (const entry of setting.exclude) {
        const [id, version] = entry.split("@");
        expect(registry.get(id!, version!), entry).toBeDefined();
      }
    }
  });
});
