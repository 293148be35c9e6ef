import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@promptreg/batches",
    // Real Redis servers and BullMQ workers on a loaded shared box.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
