import { SIGNATURE_HEADERS } from "@promptreg/signing-core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSignatureHeaders, checkSignatureHeadersSync } from "./check-signature.js";
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

describe("checkSignatureHeadersSync", () => {
  type Change = "keep" | "drop" | "twice" | { value: string };
  // Mostly kept, so that a good share of the cases pass the header checks and reach the key and the HMAC.
  const change: fc.Arbitrary<Change> = fc.oneof(
    { arbitrary: fc.constant("keep" as const), weight: 5 },
    fc.constant("drop" as const),
    fc.constant("twice" as const),
    fc.string({ maxLength: 80 }).map((value) => ({ value })),
  );
  const options = (headers: Record<string, string | string[]>, skewSeconds: number) => ({
    method: "POST",
    pathAndQuery: "/v1/render",
    headers,
    lookupSecrets: (keyId: string) => (keyId === "app-1" ? [SECRET] : undefined),
    now: () => (NOW_S + skewSeconds) * 1000,
  });
  /** A result with its verifyBody replaced by what it answers for the signed body and another one. */
  const settled = (result: Awaited<ReturnType<typeof checkSignatureHeaders>>) =>
    result.ok ? { ...result, verifyBody: [result.verifyBody(BODY), result.verifyBody(`${BODY} `)] } : result;

  it("answers what checkSignatureHeaders answers, for any mix of good, missing, repeated and garbled headers (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(change, change, change, change),
        fc.integer({ min: -400, max: 400 }),
        async (changes, skewSeconds) => {
          const headers: Record<string, string | string[]> = {};
          Object.entries(signed).forEach(([name, value], index) => {
            const what = changes[index]!;
            if (what === "keep") headers[name] = value;
            else if (what === "twice") headers[name] = [value, value];
            else if (what !== "drop") headers[name] = what.value;
          });
          const sync = checkSignatureHeadersSync(options(headers, skewSeconds));
          expect(sync).not.toBeInstanceOf(Promise);
          expect(settled(sync)).toEqual(settled(await checkSignatureHeaders(options(headers, skewSeconds))));
        },
      ),
    );
  });
});

describe("verifyBody's keys", () => {
  const verify = (lookupSecrets: () => readonly string[]) => {
    const pending = checkSignatureHeadersSync({
      method: "POST",
      pathAndQuery: "/v1/render",
      headers: signed,
      lookupSecrets,
      now: () => NOW_S * 1000,
    });
    if (!pending.ok) throw new Error(pending.message);
    return pending.verifyBody(BODY);
  };

  it("follow a frozen secrets array request after request, each secret of a rotation tried", () => {
    const rotating = Object.freeze(["old-secret-0123456789abcdef", SECRET]);
    for (let i = 0; i < 3; i++) expect(verify(() => rotating)).toEqual({ ok: true, secretIndex: 1 });
    const rotatedOut = Object.freeze(["new-secret-0123456789abcdef"]);
    expect(verify(() => rotatedOut)).toMatchObject({ ok: false, reason: "signature_mismatch" });
  });

  it("are never kept for an array that can still change: a secret replaced in place is the one checked", () => {
    const secrets = ["old-secret-0123456789abcdef"];
    expect(verify(() => secrets)).toMatchObject({ ok: false, reason: "signature_mismatch" });
    secrets[0] = SECRET;
    expect(verify(() => secrets)).toEqual({ ok: true, secretIndex: 0 });
  });
});
