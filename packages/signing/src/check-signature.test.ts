import { SIGNATURE_HEADERS } from "@promptreg/signing-core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSignatureHeaders } from "./check-signature.js";
import { signRequest } from "./sign-request.js";

const SECRET = "test-secret-0123456789abcdef";
const NOW_S = 1_767_225_600;
const BODY = '{"ref":"a@1","input":{}}';
const signed = signRequest({
  keyId: "app-1",
  secret: SECRET,
  method: "POST",
  pathAndQuery: "/v1/render",
  body: BODY,
  timestamp: NOW_S,
  nonce: "AAECAwQFBgcICQoLDA0ODw",
});

function check(headers: Record<string, string | string[] | undefined> | Headers) {
  return checkSignatureHeaders({
    method: "POST",
    pathAndQuery: "/v1/render",
    headers,
    lookupSecrets: (keyId) => (keyId === "app-1" ? [SECRET] : undefined),
    now: () => NOW_S * 1000,
  });
}

/** The signed headers with each name spelled in the given case pattern (true = upper-case that character). */
function respelled(casing: boolean[]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(signed).map(([name, value]) => [
      [...name]
        .map((char, i) => (casing[i % casing.length] ? char.toUpperCase() : char.toLowerCase()))
        .join(""),
      value,
    ]),
  );
}

describe("checkSignatureHeaders: reading the four headers", () => {
  it("finds them whatever the case of their names, among other headers, and from a Headers object", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), async (casing) => {
        const result = await check({ host: "x", "content-type": "application/json", ...respelled(casing) });
        expect(result).toMatchObject({ ok: true, keyId: "app-1", nonce: "AAECAwQFBgcICQoLDA0ODw" });
        expect((result as { verifyBody: (b: string) => { ok: boolean } }).verifyBody(BODY).ok).toBe(true);
      }),
    );
    expect(await check(new Headers(signed))).toMatchObject({ ok: true, keyId: "app-1" });
  });

  it.each(Object.values(SIGNATURE_HEADERS))(
    "%s sent twice, in two spellings or as two values, is refused",
    async (name) => {
      const value = signed[name as keyof typeof signed];
      const twoSpellings = { ...signed, [name.toLowerCase()]: value };
      const twoValues = { ...signed, [name]: [value, value] };
      for (const headers of [twoSpellings, twoValues]) {
        expect(await check(headers)).toMatchObject({
          ok: false,
          reason: "missing_headers",
          header: name,
          message: expect.stringMatching(/more than once/),
        });
      }
      // One value in an array, or a second spelling whose value is undefined, is just the header.
      expect(await check({ ...signed, [name]: [value] })).toMatchObject({ ok: true });
      expect(await check({ ...signed, [name.toLowerCase()]: undefined })).toMatchObject({ ok: true });
    },
  );

  it("names every missing header, first one in `header`", async () => {
    const { [SIGNATURE_HEADERS.nonce]: _nonce, [SIGNATURE_HEADERS.signature]: _signature, ...rest } = signed;
    expect(await check(rest)).toMatchObject({
      ok: false,
      reason: "missing_headers",
      header: SIGNATURE_HEADERS.nonce,
      message: expect.stringContaining(`${SIGNATURE_HEADERS.nonce}, ${SIGNATURE_HEADERS.signature}`),
    });
  });
});
