import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@promptreg/architecture",
    // Cruising every package reads and parses about 500 files: ~15 s on a quiet box, far more on a loaded one.
    testTimeout: 180_000,
  },
});
