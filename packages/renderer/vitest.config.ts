import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@promptreg/renderer",
    // Property tests compile and render hundreds of templates and parse replies of up to 256 KiB: about a second
    // on a quiet machine, but well over vitest's default 5 s on a shared, loaded one. Their work is bounded by
    // numRuns and the renderer's budgets (and counted where it matters), never by this timeout.
    testTimeout: 60_000,
    // One module graph for all its test files: see SHARED_MODULE_GRAPH in the root vitest.config.ts.
    isolate: false,
  },
});
