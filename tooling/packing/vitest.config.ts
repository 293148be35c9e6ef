import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@promptreg/packing",
    // Packing builds every package with tsc, and the fresh app runs npm install, tsc and a real service: minutes on
    // a loaded shared box. Bounded by the work, never by this timeout.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // A folder for the one production tree deployed-server and compose-scaled share (image-tree.ts).
    globalSetup: ["src/image-tree-setup.ts"],
  },
});
