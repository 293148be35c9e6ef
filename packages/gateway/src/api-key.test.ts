import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { envApiKeyProvider, fileApiKeyProvider, redactKey } from "./api-key.js";
import { AuthError } from "./errors/auth-error.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "gateway-key-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("redactKey", () => {
  it("shows the first 8 characters and an ellipsis, nothing for short keys", () => {
    expect(redactKey("sk-abcdefghijklmnop")).toBe("sk-abcde…");
    expect(redactKey("short")).toBe("…");
  });
});

describe("fileApiKeyProvider", () => {
  it("reads and trims the key, caches it for ttlMs, and re-reads after invalidate()", async () => {
    const file = path.join(dir, "key");
    await writeFile(file, "sk-first-key\n");
    const clock = { t: 0 };
    const provider = fileApiKeyProvider(file, { ttlMs: 1_000, now: () => clock.t });
    expect(await provider.getKey()).toBe("sk-first-key");
    await writeFile(file, "sk-rotated-key");
    expect(await provider.getKey()).toBe("sk-first-key");
    provider.invalidate?.();
    expect(await provider.getKey()).toBe("sk-rotated-key");
    await writeFile(file, "sk-third-key");
    clock.t = 1_000;
    expect(await provider.getKey()).toBe("sk-third-key");
  });

  it("throws an AuthError naming the file (and no key) when it is missing or empty", async () => {
    const missing = fileApiKeyProvider(path.join(dir, "nope"));
    const error = await Promise.resolve(missing.getKey()).catch((e: unknown) => e);
    expect(AuthError.isInstance(error)).toBe(true);
    expect((error as AuthError).message).toContain(path.join(dir, "nope"));
    expect((error as AuthError).message).toContain("ENOENT");
    const empty = path.join(dir, "empty");
    await writeFile(empty, "  \n");
    await expect(Promise.resolve(fileApiKeyProvider(empty).getKey())).rejects.toThrow(/is empty/);
  });
});

describe("envApiKeyProvider", () => {
  it("reads the variable on every call and explains a missing one", () => {
    const name = "PROMPTREG_GATEWAY_TEST_KEY";
    const provider = envApiKeyProvider(name);
    delete process.env[name];
    expect(() => provider.getKey()).toThrow(new RegExp(`${name} is unset`));
    process.env[name] = "sk-env-1";
    expect(provider.getKey()).toBe("sk-env-1");
    process.env[name] = "sk-env-2";
    expect(provider.getKey()).toBe("sk-env-2");
    delete process.env[name];
  });
});

describe("fileApiKeyProvider invalidate(rejectedKey)", () => {
  it("ignores a 401 for a key it no longer serves", async () => {
    const file = path.join(dir, "key");
    await writeFile(file, "sk-current");
    const provider = fileApiKeyProvider(file);
    expect(await provider.getKey()).toBe("sk-current");
    await writeFile(file, "sk-next");
    provider.invalidate?.("sk-older");
    expect(await provider.getKey()).toBe("sk-current");
    provider.invalidate?.("sk-current");
    expect(await provider.getKey()).toBe("sk-next");
  });
});
