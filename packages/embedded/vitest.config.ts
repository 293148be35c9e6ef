import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@promptreg/embedded",
    // The tests start the real service as a child process; on a loaded shared box that exceeds vitest's 5 s.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
