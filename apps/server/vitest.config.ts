import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@promptreg/server",
    // After every test file, every log line the file's apps wrote is scanned for secrets.
    setupFiles: ["./test/log-scan.setup.ts"],
  },
});
