import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@promptreg/runtime",
    // The tests with the real mock gateway do loopback HTTP; on a loaded shared box that can exceed vitest's 5 s.
    testTimeout: 60_000,
    // One module graph for all its test files: see SHARED_MODULE_GRAPH in the root vitest.config.ts.
    isolate: false,
  },
});
