import { InvalidSignInputError, SigningError } from "@promptreg/signing-core";
import { thrownBy } from "@promptreg/test-kit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createNonce, signRequest } from "./sign-request.js";

const base = {
  keyId: "app-1",
  secret: "test-secret-0123456789abcdef",
  method: "POST",
  pathAndQuery: "/v1/render",
  body: "{}",
  timestamp: 1_767_225_600,
  nonce: "AAECAwQFBgcICQoLDA0ODw",
};

describe("signRequest", () => {
  it("returns the four headers with a v1 lowercase hex signature", () => {
    const headers = signRequest(base);
    expect(headers["X-Promptreg-Key"]).toBe("app-1");
    expect(headers["X-Promptreg-Timestamp"]).toBe("1767225600");
    expect(headers["X-Promptreg-Nonce"]).toBe(base.nonce);
    expect(headers["X-Promptreg-Signature"]).toMatch(/^v1=[0-9a-f]{64}$/);
  });

  it("treats the method case-insensitively and string and byte bodies alike", () => {
    const upper = signRequest(base);
    expect(signRequest({ ...base, method: "post" })).toEqual(upper);
    expect(signRequest({ ...base, body: Buffer.from("{}") })).toEqual(upper);
    expect(signRequest({ ...base, body: new Uint8Array([0x7b, 0x7d]) })).toEqual(upper);
  });

  it("signs a missing body like an empty one", () => {
    expect(signRequest({ ...base, body: undefined })).toEqual(signRequest({ ...base, body: "" }));
  });

  it("defaults to the current time and a fresh 16-byte nonce", () => {
    const before = Math.floor(Date.now() / 1000);
    const a = signRequest({ ...base, timestamp: undefined, nonce: undefined });
    const b = signRequest({ ...base, timestamp: undefined, nonce: undefined });
    const after = Math.floor(Date.now() / 1000);
    const ts = Number(a["X-Promptreg-Timestamp"]);
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(after);
    expect(a["X-Promptreg-Nonce"]).not.toBe(b["X-Promptreg-Nonce"]);
    expect(Buffer.from(a["X-Promptreg-Nonce"], "base64url")).toHaveLength(16);
  });

  it("creates distinct unpadded base64url nonces", () => {
    // 2 000 crosses several refills of the internal random pool.
    const nonces = new Set(Array.from({ length: 2_000 }, () => createNonce()));
    expect(nonces.size).toBe(2_000);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it.each([
    ["keyId", { keyId: "" }],
    ["keyId", { keyId: "a:b" }],
    ["secret", { secret: "" }],
    ["method", { method: "PO ST" }],
    ["pathAndQuery", { pathAndQuery: "https://x.test/v1/render" }],
    ["pathAndQuery", { pathAndQuery: "/v1/render\nX-Evil: 1" }],
    ["timestamp", { timestamp: 1.5 }],
    ["timestamp", { timestamp: -1 }],
    ["nonce", { nonce: "short" }],
    ["nonce", { nonce: "AAECAwQFBgcICQoLDA0ODw==" }],
  ] as const)("rejects a bad %s with a typed error", (field, patch) => {
    const caught = thrownBy(() => signRequest({ ...base, ...patch }));
    expect(InvalidSignInputError.isInstance(caught)).toBe(true);
    expect(SigningError.isInstance(caught)).toBe(true);
    expect((caught as InvalidSignInputError).field).toBe(field);
    expect((caught as InvalidSignInputError).code).toBe("invalid_sign_input");
  });

  it("never puts the secret in an error message", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (secret) => {
        try {
          signRequest({ ...base, secret, pathAndQuery: "no-slash" });
        } catch (error) {
          if (secret.length >= 4) expect((error as Error).message).not.toContain(secret);
          return;
        }
        throw new Error("expected a throw");
      }),
    );
  });
});
