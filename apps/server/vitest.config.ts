import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "@promptreg/server",
    // After every test file, every log line the file's apps wrote is scanned for secrets; a MaxListenersExceededWarning
    // fails the test that caused it.
    setupFiles: ["./test/log-scan.setup.ts", "./test/listener-warnings.setup.ts"],
    // One module graph for all its test files (the service's import graph is the largest in the repository): see
    // SHARED_MODULE_GRAPH in the root vitest.config.ts; the setup file empties the harness's lists per file.
    isolate: false,
    // Most suites here start real servers, child processes and sockets: well under a second each on a quiet machine,
    // but past vitest's 5 s default on a shared, loaded 2-core box (seen at load 60). Nothing here is bounded by
    // this timeout; waits inside tests poll for a state with their own generous caps.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
