import { readFileSync } from "node:fs";
import {
  buildStringToSign,
  matchSignature,
  computeSignature as webComputeSignature,
  hashBody as webHashBody,
  signRequest as webSignRequest,
} from "@promptreg/signing-core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { hashBody } from "./canonical.js";
import { createMemoryNonceStore } from "./nonce-store.js";
import { signRequest } from "./sign-request.js";
import { verifyRequest } from "./verify-request.js";

// The signing spec lives in docs/security.md; its example blocks are the test data, so the doc cannot drift.
const SPEC_PATH = new URL("../../../docs/security.md", import.meta.url);
const spec = readFileSync(SPEC_PATH, "utf8");

function fencedJson(tag: string): unknown {
  const fence = "```";
  const match = new RegExp(`${fence}json ${tag}\\n([\\s\\S]*?)\\n${fence}`).exec(spec);
  if (match === null) throw new Error(`docs/security.md has no \`\`\`json ${tag} block`);
  return JSON.parse(match[1]!);
}

const vectorSchema = z
  .strictObject({
    name: z.string(),
    keyId: z.string(),
    secret: z.string(),
    method: z.string(),
    pathAndQuery: z.string(),
    timestamp: z.number().int(),
    nonce: z.string(),
    body: z.string().optional(),
    bodyBase64: z.string().optional(),
    bodySha256: z.string(),
    stringToSign: z.string(),
    signature: z.string(),
  })
  .refine((v) => (v.body === undefined) !== (v.bodyBase64 === undefined), "exactly one of body / bodyBase64");

const caseSchema = z.strictObject({
  vector: z.string(),
  now: z.number().int(),
  change: z
    .strictObject({
      body: z.string(),
      pathAndQuery: z.string(),
      method: z.string(),
      keyId: z.string(),
      signature: z.string(),
      nonce: z.string(),
    })
    .partial()
    .optional(),
  serverSecrets: z.array(z.string()).optional(),
  seenBefore: z.boolean().optional(),
  expect: z.enum([
    "ok",
    "missing_headers",
    "unknown_key",
    "stale_timestamp",
    "replayed_nonce",
    "signature_mismatch",
  ]),
});

const vectors = z.array(vectorSchema).min(3).parse(fencedJson("signing-vectors"));
const cases = z.array(caseSchema).min(5).parse(fencedJson("verification-cases"));

function bodyOf(vector: z.infer<typeof vectorSchema>): Buffer {
  return vector.bodyBase64 !== undefined
    ? Buffer.from(vector.bodyBase64, "base64")
    : Buffer.from(vector.body!, "utf8");
}

describe("docs/security.md signing vectors", () => {
  it.each(vectors.map((v) => [v.name, v] as const))(
    "%s: body hash, string to sign and signature",
    (_name, vector) => {
      const body = bodyOf(vector);
      expect(hashBody(body)).toBe(vector.bodySha256);
      expect(
        buildStringToSign({
          method: vector.method,
          pathAndQuery: vector.pathAndQuery,
          timestamp: String(vector.timestamp),
          nonce: vector.nonce,
          bodyHash: vector.bodySha256,
        }),
      ).toBe(vector.stringToSign);
      const expected = {
        "X-Promptreg-Key": vector.keyId,
        "X-Promptreg-Timestamp": String(vector.timestamp),
        "X-Promptreg-Nonce": vector.nonce,
        "X-Promptreg-Signature": vector.signature,
      };
      expect(signRequest({ ...vector, body })).toEqual(expected);
    },
  );

  // The client SDK signs with @promptreg/signing-core on Web Crypto, the service verifies with node:crypto: both
  // must produce the documented bytes, and agree with each other on inputs the vectors do not cover.
  it.each(vectors.map((v) => [v.name, v] as const))(
    "%s: the Web Crypto signer (@promptreg/signing-core) gives the same hash and headers",
    async (_name, vector) => {
      const body = new Uint8Array(bodyOf(vector));
      expect(await webHashBody(body)).toBe(vector.bodySha256);
      expect(await webSignRequest({ ...vector, body })).toEqual(signRequest({ ...vector, body }));
      const signatureHex = vector.signature.slice("v1=".length);
      expect(await webComputeSignature(vector.secret, vector.stringToSign)).toBe(signatureHex);
      expect(
        await matchSignature({
          secrets: ["other-secret", vector.secret],
          stringToSign: vector.stringToSign,
          signatureHex,
        }),
      ).toBe(1);
      expect(
        await matchSignature({ secrets: ["other-secret"], stringToSign: vector.stringToSign, signatureHex }),
      ).toBe(-1);
    },
  );

  it("the Web Crypto and node:crypto signers agree on arbitrary secrets, paths, bodies and nonces", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          keyId: fc.stringMatching(/^[A-Za-z0-9._~-]{1,40}$/),
          secret: fc.string({ minLength: 1, unit: "grapheme" }),
          method: fc.constantFrom("GET", "post", "DELETE", "PATCH"),
          pathAndQuery: fc.stringMatching(/^\/[A-Za-z0-9%/?&=._~-]{0,60}$/),
          timestamp: fc.integer({ min: 0, max: 4_102_444_800 }),
          nonce: fc.stringMatching(/^[A-Za-z0-9_-]{22,40}$/),
          body: fc.oneof(fc.string({ unit: "grapheme" }), fc.uint8Array({ maxLength: 256 })),
        }),
        async (input) => {
          expect(await webSignRequest(input)).toEqual(signRequest(input));
          expect(await webHashBody(input.body)).toBe(hashBody(input.body));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("the Web Crypto nonce is 16 random bytes of unpadded base64url, like the node one", async () => {
    const headers = await webSignRequest({ keyId: "k", secret: "s", method: "GET", pathAndQuery: "/" });
    expect(headers["X-Promptreg-Nonce"]).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const nonces = await Promise.all(
      Array.from({ length: 50 }, () =>
        webSignRequest({ keyId: "k", secret: "s", method: "GET", pathAndQuery: "/" }),
      ),
    );
    expect(new Set(nonces.map((h) => h["X-Promptreg-Nonce"])).size).toBe(50);
  });

  it("covers a body-less request, a query string, non-ASCII and binary bodies", () => {
    expect(vectors.some((v) => v.body === "")).toBe(true);
    expect(vectors.some((v) => v.pathAndQuery.includes("?"))).toBe(true);
    expect(vectors.some((v) => v.body !== undefined && Buffer.byteLength(v.body) !== v.body.length)).toBe(
      true,
    );
    expect(vectors.some((v) => v.bodyBase64 !== undefined)).toBe(true);
  });
});

describe("docs/security.md verification cases", () => {
  it.each(cases.map((c, i) => [i + 1, c.expect, c] as const))(
    "case %i expects %s",
    async (_i, _expect, testCase) => {
      const vector = vectors.find((v) => v.name === testCase.vector);
      if (vector === undefined)
        throw new Error(`verification case names unknown vector "${testCase.vector}"`);
      const change = testCase.change ?? {};
      const headers: Record<string, string> = {
        "X-Promptreg-Key": change.keyId ?? vector.keyId,
        "X-Promptreg-Timestamp": String(vector.timestamp),
        "X-Promptreg-Nonce": change.nonce ?? vector.nonce,
        "X-Promptreg-Signature": change.signature ?? vector.signature,
      };
      const secrets = testCase.serverSecrets ?? [vector.secret];
      const nonceStore = createMemoryNonceStore({ now: () => testCase.now * 1000 });
      const verify = () =>
        verifyRequest({
          method: (change.method ?? vector.method).toUpperCase(),
          pathAndQuery: change.pathAndQuery ?? vector.pathAndQuery,
          headers,
          body: change.body !== undefined ? Buffer.from(change.body, "utf8") : bodyOf(vector),
          lookupSecrets: (keyId) => (keyId === vector.keyId ? secrets : undefined),
          nonceStore,
          now: () => testCase.now * 1000,
        });
      if (testCase.seenBefore) expect((await verify()).ok).toBe(true);
      const result = await verify();
      if (testCase.expect === "ok") expect(result.ok).toBe(true);
      else expect(result).toMatchObject({ ok: false, reason: testCase.expect });
    },
  );

  it("exercises every reason code", () => {
    const expected = new Set(cases.map((c) => c.expect));
    for (const reason of [
      "ok",
      "missing_headers",
      "unknown_key",
      "stale_timestamp",
      "replayed_nonce",
      "signature_mismatch",
    ]) {
      expect(expected).toContain(reason);
    }
  });
});
