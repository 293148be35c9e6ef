import { afterAll, beforeAll, expect } from "vitest";
import { capturedLogLines, GATEWAY_TEST_KEY, SECRETS, sentSignatures } from "./harness.js";

/**
 * This project's test files share one module graph (isolate: false in vitest.config.ts), so the harness's lists
 * outlive a file: each file starts them empty, and the scan below sees that file's lines, as when files were isolated.
 */
beforeAll(() => {
  capturedLogLines.length = 0;
  sentSignatures.length = 0;
});

/**
 * The whole API suite logs through the harness, so this one hook sees every line: no client secret, gateway key or
 * full request signature may appear in any of them (truncated forms are fine).
 */
afterAll(() => {
  const log = capturedLogLines.join("");
  const forbidden = [...Object.values(SECRETS), GATEWAY_TEST_KEY, ...sentSignatures];
  const leaked = forbidden.filter((secret) => log.includes(secret));
  expect(leaked, "secrets found in log lines").toEqual([]);
  // Signatures made by other signers in the suite (the client SDK, the OpenAI SDK's signing fetch) are not in the
  // list above; no 64-hex-digit value (a full HMAC-SHA256) may be logged at all.
  expect(log.match(/[0-9a-f]{64}/g) ?? [], "full-length hex digests found in log lines").toEqual([]);
});
