import { createFakeSecretCommand, type FakeSecretCommand } from "@promptreg/test-kit";
import { afterEach, describe, expect, it } from "vitest";
import { AuthError, commandApiKeyProvider, SecretCommandError } from "../src/index.js";
import { call, type Harness, KEY, startHarness } from "./harness.js";

let h: Harness | undefined;
let fake: FakeSecretCommand | undefined;
afterEach(async () => {
  await h?.close();
  await fake?.remove();
  for (const text of h?.captured ?? []) expect(text).not.toContain(KEY);
  h = undefined;
  fake = undefined;
});

describe("the gateway client with a key from a secret command", () => {
  it("asks the command for a fresh key once when concurrent calls get 401 with a rotated-away key", {
    timeout: 60_000,
  }, async () => {
    fake = await createFakeSecretCommand("ok:sk-revoked-00000000000000000000");
    const provider = commandApiKeyProvider({ argv: fake.argv, source: "GATEWAY_API_KEY_COMMAND" });
    expect(await provider.getKey()).toBe("sk-revoked-00000000000000000000");
    await fake.setMode(`ok:${KEY}`); // the secret manager now holds the rotated key
    h = await startHarness({ client: { apiKey: undefined, apiKeyProvider: provider } });
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => call(h!, { stream: false })));
    for (const outcome of outcomes) {
      if (!outcome.ok) throw outcome.error;
      expect(outcome.result.metadata.attempts).toBe(2);
    }
    expect(await fake.calls()).toBe(2);
  });

  it("fails the call with an AuthError naming the program only when the command fails", {
    timeout: 60_000,
  }, async () => {
    fake = await createFakeSecretCommand("exit:2");
    h = await startHarness({
      client: { apiKey: undefined, apiKeyProvider: commandApiKeyProvider({ argv: fake.argv, source: "X" }) },
    });
    const outcome = await call(h, { stream: true });
    const error = outcome.ok ? undefined : outcome.error;
    expect(AuthError.isInstance(error) && SecretCommandError.isInstance(error)).toBe(true);
    expect(h.mock.stats().requests).toBe(0);
    expect(h.captured.join("\n")).not.toContain(fake.dir);
    expect(h.captured.join("\n")).not.toContain("sk-stderr-leak");
  });
});
