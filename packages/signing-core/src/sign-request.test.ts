import { describe, expect, it } from "vitest";
import { matchSignature } from "./canonical.js";
import { InvalidSignInputError } from "./errors/invalid-sign-input-error.js";
import { SigningError } from "./errors/signing-error.js";
import { SIGNATURE_PATTERN } from "./headers.js";
import { checkSignInput, signRequest } from "./sign-request.js";

// The vectors of docs/security.md run against this signer and @promptreg/signing's node:crypto one in
// packages/signing/src/spec-vectors.test.ts; this file covers what is particular to the Web Crypto signer.
const base = {
  keyId: "app-1",
  secret: "test-secret-0123456789abcdef",
  method: "POST",
  pathAndQuery: "/v1/render",
  body: "{}",
  timestamp: 1_767_225_600,
  nonce: "AAECAwQFBgcICQoLDA0ODw",
};

describe("signRequest (Web Crypto)", () => {
  it("signs string and byte bodies alike, and a missing body like an empty one", async () => {
    const text = await signRequest(base);
    expect(text["X-Promptreg-Signature"]).toMatch(SIGNATURE_PATTERN);
    expect(await signRequest({ ...base, body: new Uint8Array([0x7b, 0x7d]) })).toEqual(text);
    expect(await signRequest({ ...base, body: undefined })).toEqual(await signRequest({ ...base, body: "" }));
  });

  it("a signature it made is matched by matchSignature, among rotated secrets", async () => {
    const headers = await signRequest({ ...base, body: "" });
    const signatureHex = SIGNATURE_PATTERN.exec(headers["X-Promptreg-Signature"])?.[1] ?? "";
    const stringToSign = [
      "v1",
      "POST",
      "/v1/render",
      "1767225600",
      base.nonce,
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ].join("\n");
    expect(await matchSignature({ secrets: ["old", base.secret], stringToSign, signatureHex })).toBe(1);
    expect(await matchSignature({ secrets: ["old"], stringToSign, signatureHex })).toBe(-1);
  });

  it("refuses an option it cannot sign synchronously in checkSignInput, naming the field", async () => {
    const bad = { ...base, pathAndQuery: "https://example.test/v1/render" };
    expect(() => checkSignInput(bad)).toThrow(InvalidSignInputError);
    const error = await signRequest(bad).catch((caught: unknown) => caught);
    expect(SigningError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: "invalid_sign_input", field: "pathAndQuery" });
    expect(() => checkSignInput({ ...base, secret: "" })).toThrow(/"secret" is empty/);
  });
});
