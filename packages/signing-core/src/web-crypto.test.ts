import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { WebCryptoUnavailableError } from "./errors/web-crypto-unavailable-error.js";
import { signRequest } from "./sign-request.js";
import { checkWebCrypto, fromHex, toBase64Url, toHex } from "./web-crypto.js";

const request = { keyId: "app-1", secret: "s3cret", method: "POST", pathAndQuery: "/v1/render", body: "{}" };

describe("encodings", () => {
  it("base64url and hex match Node's encoders for any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(toBase64Url(bytes)).toBe(Buffer.from(bytes).toString("base64url"));
        expect(toHex(bytes)).toBe(Buffer.from(bytes).toString("hex"));
        expect(fromHex(toHex(bytes))).toEqual(bytes);
      }),
    );
  });
});

describe("a runtime without Web Crypto", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("gets web_crypto_unavailable naming crypto.subtle, not a TypeError", async () => {
    vi.stubGlobal("crypto", { getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) });
    expect(() => checkWebCrypto()).toThrow(WebCryptoUnavailableError);
    const error = await signRequest(request).catch((caught: unknown) => caught);
    expect(WebCryptoUnavailableError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: "web_crypto_unavailable",
      origin: "caller",
      missing: "crypto.subtle",
    });
    expect((error as Error).message).toMatch(/Node >= 20, Bun, Deno/);
  });

  it("names crypto.getRandomValues when there is no crypto at all", async () => {
    vi.stubGlobal("crypto", undefined);
    const error = await signRequest(request).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "web_crypto_unavailable", missing: "crypto.getRandomValues" });
  });
});
