import { defineConfig } from "vitest/config";

// One vitest run covers every workspace package, so CI gets a single pass/fail total. Under CI a JSON
// report is written as well; .ci/run sums it into the final "N passed, N failed" line.
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*", "tooling/*"],
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: ".ci-results/vitest.json" },
  },
});
