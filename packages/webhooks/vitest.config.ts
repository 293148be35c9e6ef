import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@promptreg/webhooks",
    // The sender tests run a real HTTP receiver; generous for a loaded 2-core box.
    testTimeout: 60_000,
  },
});
