import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { findRepoRoot } from "./repo-root.js";

// Runs every `bench/*.bench.ts` of every workspace package one after another (never in parallel: they would
// steal each other's cores). `pnpm bench -- renderer` runs only the files whose path contains "renderer".
const root = findRepoRoot();
const filter = process.argv.slice(2).filter((arg) => arg !== "--");
const files: string[] = [];
for (const group of ["packages", "apps", "tooling"]) {
  const groupDir = path.join(root, group);
  if (!existsSync(groupDir)) continue;
  for (const pkg of readdirSync(groupDir)) {
    const benchDir = path.join(groupDir, pkg, "bench");
    if (!existsSync(benchDir)) continue;
    for (const file of readdirSync(benchDir).sort()) {
      if (file.endsWith(".bench.ts")) files.push(path.join(benchDir, file));
    }
  }
}
// Matched against the path from the repository root: a checkout under /work/wt/review would otherwise match every file.
const selected = files.filter((file) => filter.every((word) => path.relative(root, file).includes(word)));
if (selected.length === 0) {
  console.error(`no benchmark matched ${filter.join(" ") || "(all)"}`);
  process.exit(1);
}
// One id for every benchmark of this run, so the history groups their headline ratios.
const runId = process.env.BENCH_RUN_ID || `${new Date().toISOString().slice(0, 16)}Z`;
let failed = 0;
for (const file of selected) {
  console.log(`\n▶ ${path.relative(root, file)}`);
  const result = spawnSync(process.execPath, ["--import", "tsx", "--expose-gc", file], {
    cwd: path.dirname(path.dirname(file)),
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production", BENCH_RUN_ID: runId },
  });
  if (result.status !== 0) failed++;
}
console.log(
  `\n${selected.length - failed} benchmarks finished, ${failed} failed; tables are in docs/benchmarks.md`,
);
process.exit(failed === 0 ? 0 : 1);
