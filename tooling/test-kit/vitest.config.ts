import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@promptreg/test-kit",
    // The Redis harness tests fork real redis-server processes: quick on a quiet box, slow on a loaded 2-core one.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
