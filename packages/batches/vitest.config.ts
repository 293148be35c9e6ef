import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@promptreg/batches",
    // Real Redis servers and BullMQ workers on a loaded shared box.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
