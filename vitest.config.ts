import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

/**
 * Packages whose test files share one module graph per worker (vitest `isolate: false`): importing a package's
 * sources afresh for every file was a third of these projects' CPU time. Their tests stub no module, spy, global,
 * timer or environment variable (tooling/architecture/src/shared-module-graph.test.ts checks), so no file can see
 * another's leftovers. Projects with a vitest.config.ts of their own set `isolate: false` there.
 */
export const SHARED_MODULE_GRAPH = [
  "@promptreg/cli",
  "@promptreg/core",
  "@promptreg/policy",
  "@promptreg/registry",
  "@promptreg/renderer",
  "@promptreg/review",
  "@promptreg/runtime",
  "@promptreg/signing",
  "@promptreg/typegen",
];

/**
 * Every workspace package is a project. One with a vitest.config.ts of its own uses it; one without is an inline
 * project that extends this file, so it gets the timeouts below (a folder project without a config would get
 * vitest's 5 s defaults, which failed git- and file-heavy tests on a busy 2-core box).
 */
function workspaceProjects(): (string | TestProjectInlineConfiguration)[] {
  const projects: (string | TestProjectInlineConfiguration)[] = [];
  for (const group of ["packages", "apps", "tooling"]) {
    for (const entry of readdirSync(group, { withFileTypes: true })) {
      const dir = path.join(group, entry.name);
      if (!entry.isDirectory() || !existsSync(path.join(dir, "package.json"))) continue;
      if (existsSync(path.join(dir, "vitest.config.ts"))) {
        projects.push(dir);
        continue;
      }
      const { name } = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name: string };
      projects.push({
        extends: true,
        root: dir,
        test: { name, isolate: !SHARED_MODULE_GRAPH.includes(name) },
      });
    }
  }
  return projects;
}

// One vitest run covers every workspace package, so CI gets a single pass/fail total. Under CI a JSON
// report is written as well; .ci/run sums it into the final "N passed, N failed" line.
export default defineConfig({
  test: {
    projects: workspaceProjects(),
    // Two test files at a time. Vitest's default on a 2-core machine is one (cores minus one), but most of the suite
    // waits on child processes (servers, Redis, Chromium, pnpm pack), so a second worker roughly halves the run.
    // Timing-sensitive tests use fake clocks and generous I/O deadlines, so sharing the cores is safe.
    maxWorkers: 2,
    // How long a test may take before it is called hung, not a performance bound: logic under test has its own
    // budgets and fake clocks. Projects with their own config set their own.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: ".ci-results/vitest.json" },
  },
});
