import { inspect } from "node:util";
import { createFakeSecretCommand, type FakeSecretCommand, rejectionOf } from "@promptreg/test-kit";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { SecretCommandError } from "./errors/secret-command-error.js";
import { commandApiKeyProvider, parseSecretCommand, runSecretCommand } from "./secret-command.js";

const SECRET = "sk-cmd-7d1e0c9b8a7f6e5dSECRETPART4c3b2a190817";
const IO = { timeout: 60_000 };

let fake: FakeSecretCommand;
afterEach(async () => {
  await fake?.remove();
});

/** Everything an error could show: message, stack, JSON, inspect with hidden fields and causes. */
function everything(error: unknown): string {
  return [
    inspect(error, { depth: 10, showHidden: true }),
    JSON.stringify(error),
    String((error as Error).stack),
  ].join("\n");
}

const failure = (run: () => Promise<unknown>) => rejectionOf(run, SecretCommandError);

describe("parseSecretCommand", () => {
  it("splits plain words on spaces and takes a JSON array as is", () => {
    expect(parseSecretCommand(" op read  op://vault/gateway/key ")).toEqual({
      ok: true,
      argv: ["op", "read", "op://vault/gateway/key"],
    });
    expect(parseSecretCommand('["kubectl","get","secret","gw","-o","jsonpath={.data.key}"]')).toEqual({
      ok: true,
      argv: ["kubectl", "get", "secret", "gw", "-o", "jsonpath={.data.key}"],
    });
  });

  it("refuses what a shell would interpret instead of guessing, and malformed JSON arrays", () => {
    for (const text of ["op read $KEY", "cat key | tr -d x", "a 'b c'", "x > y", "vault kv get ~/k", ""]) {
      const parsed = parseSecretCommand(text);
      expect(parsed.ok, text).toBe(false);
    }
    for (const text of ["[oops", "[]", '[""]', "[1]", '{"a":1}'.replace("{", "[")]) {
      expect(parseSecretCommand(text).ok, text).toBe(false);
    }
  });

  it("gives back any argv written as a JSON array, and refuses any plain line holding shell syntax", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ minLength: 1 }).filter((s) => !s.includes("\0")),
          { minLength: 1 },
        ),
        (argv) => {
          expect(parseSecretCommand(JSON.stringify(argv))).toEqual({ ok: true, argv });
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.string(),
        fc.constantFrom(..."\"'`$\\|&;<>(){}[]*?~!#"),
        fc.string(),
        (before, special, after) => {
          const text = `cmd ${before}${special}${after}`;
          expect(parseSecretCommand(text).ok).toBe(false);
        },
      ),
    );
  });
});

describe("runSecretCommand", () => {
  it("returns the command's stdout, trimmed", IO, async () => {
    fake = await createFakeSecretCommand(`ok:${SECRET}`);
    expect(await runSecretCommand({ argv: fake.argv, source: "TEST_COMMAND" })).toBe(SECRET);
    expect(await fake.calls()).toBe(1);
  });

  it("names only argv[0] and the exit code on failure: no arguments, stdout or stderr", IO, async () => {
    fake = await createFakeSecretCommand("exit:3");
    const error = await failure(() => runSecretCommand({ argv: fake.argv, source: "TEST_COMMAND" }));
    expect(error).toMatchObject({
      failure: "exit_code",
      exitCode: 3,
      command: process.execPath,
      code: "auth_failed",
    });
    expect(error.message).toContain("TEST_COMMAND");
    const shown = everything(error);
    expect(shown).not.toContain(fake.dir);
    expect(shown).not.toContain("sk-stderr-leak");
    expect(shown).not.toContain("could not read");
  });

  it("kills a command that hangs at the timeout", IO, async () => {
    fake = await createFakeSecretCommand("hang");
    const error = await failure(() => runSecretCommand({ argv: fake.argv, source: "T", timeoutMs: 300 }));
    expect(error).toMatchObject({ failure: "timeout", limit: 300 });
  });

  it("kills a command that prints more than maxOutputBytes", IO, async () => {
    fake = await createFakeSecretCommand("big:100000");
    const error = await failure(() =>
      runSecretCommand({ argv: fake.argv, source: "T", maxOutputBytes: 1024 }),
    );
    expect(error).toMatchObject({ failure: "output_too_large", limit: 1024 });
    expect(everything(error)).not.toContain("kkkk");
  });

  it("refuses empty output and a program that does not exist", IO, async () => {
    fake = await createFakeSecretCommand("empty");
    expect(await failure(() => runSecretCommand({ argv: fake.argv, source: "T" }))).toMatchObject({
      failure: "empty_output",
    });
    const missing = await failure(() =>
      runSecretCommand({ argv: ["/nonexistent/op", "read", "op://vault/item/secret-path"], source: "T" }),
    );
    expect(missing).toMatchObject({ failure: "spawn_failed", command: "/nonexistent/op" });
    expect(missing.message).toContain("ENOENT");
    expect(everything(missing)).not.toContain("secret-path");
  });

  it("never runs a shell: metacharacters in a JSON argv reach the program as plain text", IO, async () => {
    fake = await createFakeSecretCommand("ok:$(echo pwned);`id`|x");
    expect(await runSecretCommand({ argv: fake.argv, source: "T" })).toBe("$(echo pwned);`id`|x");
  });
});

describe("commandApiKeyProvider", () => {
  it("reuses the key for ttlMs, then runs the command again", IO, async () => {
    fake = await createFakeSecretCommand(`ok:${SECRET}`);
    const clock = { t: 0 };
    const provider = commandApiKeyProvider({
      argv: fake.argv,
      source: "T",
      ttlMs: 1_000,
      now: () => clock.t,
    });
    expect(await provider.getKey()).toBe(SECRET);
    clock.t = 999;
    expect(await provider.getKey()).toBe(SECRET);
    expect(await fake.calls()).toBe(1);
    await fake.setMode("ok:sk-rotated");
    clock.t = 1_000;
    expect(await provider.getKey()).toBe("sk-rotated");
    expect(await fake.calls()).toBe(2);
  });

  it("runs one command however many calls need a key at once", IO, async () => {
    fake = await createFakeSecretCommand(`slow:200:${SECRET}`);
    const provider = commandApiKeyProvider({ argv: fake.argv, source: "T" });
    const keys = await Promise.all(Array.from({ length: 20 }, () => provider.getKey()));
    expect(new Set(keys)).toEqual(new Set([SECRET]));
    expect(await fake.calls()).toBe(1);
  });

  it(
    "refreshes once after many 401s with the same key, and ignores 401s for a key already replaced",
    IO,
    async () => {
      fake = await createFakeSecretCommand("ok:sk-old-key");
      const provider = commandApiKeyProvider({ argv: fake.argv, source: "T" });
      expect(await provider.getKey()).toBe("sk-old-key");
      await fake.setMode("slow:100:sk-new-key");
      provider.invalidate?.("sk-old-key");
      const refreshing = Promise.all(Array.from({ length: 5 }, () => provider.getKey()));
      for (let i = 0; i < 5; i++) provider.invalidate?.("sk-old-key"); // while the refresh runs
      expect(new Set(await refreshing)).toEqual(new Set(["sk-new-key"]));
      for (let i = 0; i < 5; i++) provider.invalidate?.("sk-old-key"); // late 401s of requests sent before
      expect(await provider.getKey()).toBe("sk-new-key");
      expect(await fake.calls()).toBe(2);
    },
  );

  it(
    "keeps serving the previous key when a refresh after the TTL fails, but not after a 401",
    IO,
    async () => {
      fake = await createFakeSecretCommand(`ok:${SECRET}`);
      const clock = { t: 0 };
      const stale: SecretCommandError[] = [];
      const provider = commandApiKeyProvider({
        argv: fake.argv,
        source: "T",
        ttlMs: 1_000,
        now: () => clock.t,
        onStaleKey: (error) => stale.push(error),
      });
      expect(await provider.getKey()).toBe(SECRET);
      await fake.setMode("exit:1");
      clock.t = 5_000;
      expect(await provider.getKey()).toBe(SECRET);
      expect(stale.map((e) => e.failure)).toEqual(["exit_code"]);
      provider.invalidate?.(SECRET);
      const error = await failure(async () => provider.getKey());
      expect(everything(error)).not.toContain(SECRET);
    },
  );
});
