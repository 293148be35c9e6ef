import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSignatureHeaders } from "./check-signature.js";
import { InvalidVerifyOptionsError } from "./errors/invalid-verify-options-error.js";
import { createMemoryNonceStore, type NonceStore } from "./nonce-store.js";
import { signRequest } from "./sign-request.js";
import { type VerifyRequestOptions, verifyRequest } from "./verify-request.js";

const SECRET = "test-secret-0123456789abcdef";
const OLD_SECRET = "old-secret-abcdefghijklmnop";
const NOW_S = 1_767_225_600;
const now = () => NOW_S * 1000;
const secrets: Record<string, string[]> = { "app-1": [SECRET], rotating: [SECRET, OLD_SECRET] };
const lookupSecrets = (keyId: string) => secrets[keyId];

function request(overrides: Partial<Parameters<typeof signRequest>[0]> = {}) {
  const input = {
    keyId: "app-1",
    secret: SECRET,
    method: "POST",
    pathAndQuery: "/v1/render?x=1",
    body: '{"ref":"a@1","input":{}}',
    timestamp: NOW_S,
    nonce: "AAECAwQFBgcICQoLDA0ODw",
    ...overrides,
  };
  const headers: Record<string, string> = { ...signRequest(input) };
  return { input, headers };
}

function verify(options: Partial<VerifyRequestOptions> & Pick<VerifyRequestOptions, "headers">) {
  return verifyRequest({
    method: "POST",
    pathAndQuery: "/v1/render?x=1",
    body: '{"ref":"a@1","input":{}}',
    lookupSecrets,
    nonceStore: createMemoryNonceStore(),
    now,
    ...options,
  });
}

/** Changes exactly one byte (never to its old value). */
function mutateBytes(value: Buffer, index: number, delta: number): Buffer {
  const bytes = Buffer.from(value);
  const i = index % bytes.length;
  bytes[i] = (bytes[i]! + 1 + (delta % 255)) % 256;
  return bytes;
}

/** Changes exactly one byte of an ASCII string; latin1 maps bytes to characters one to one. */
function mutate(value: string, index: number, delta: number): string {
  return mutateBytes(Buffer.from(value, "latin1"), index, delta).toString("latin1");
}

const methodArb = fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "get", "post");
const pathArb = fc
  .array(fc.constantFrom("a", "b", "v1", "%2F", "render", "?", "=", "&", "~", "-", "_", "."), {
    maxLength: 20,
  })
  .map((parts) => `/${parts.join("")}`);
const bodyArb = fc.oneof(
  fc.string(),
  fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b)),
);
const nonceArb = fc
  .uint8Array({ minLength: 16, maxLength: 48 })
  .map((b) => Buffer.from(b).toString("base64url"));
const tsArb = fc.integer({ min: NOW_S - 300, max: NOW_S + 300 });

describe("verifyRequest", () => {
  it("accepts any request it signed (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        methodArb,
        pathArb,
        bodyArb,
        tsArb,
        nonceArb,
        async (method, path, body, ts, nonce) => {
          const headers = signRequest({
            keyId: "app-1",
            secret: SECRET,
            method,
            pathAndQuery: path,
            body,
            timestamp: ts,
            nonce,
          });
          const result = await verify({ method: method.toUpperCase(), pathAndQuery: path, body, headers });
          expect(result).toEqual({ ok: true, keyId: "app-1", timestamp: ts, nonce, secretIndex: 0 });
        },
      ),
    );
  });

  it("rejects any single-byte change of body, path, method or signature with signature_mismatch (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("body", "path", "method", "signature"),
        fc.string({ minLength: 1 }),
        fc.nat(),
        fc.nat(),
        async (field, body, index, delta) => {
          const { headers } = request({ body });
          const options: Pick<VerifyRequestOptions, "method" | "pathAndQuery" | "body" | "headers"> = {
            method: "POST",
            pathAndQuery: "/v1/render?x=1",
            body,
            headers,
          };
          if (field === "body") options.body = mutateBytes(Buffer.from(body, "utf8"), index, delta);
          if (field === "path") options.pathAndQuery = mutate("/v1/render?x=1", index, delta);
          if (field === "method") {
            options.method = mutate("POST", index, delta);
            // The method is compared upper-cased, so a pure case change is not a change.
            if (options.method.toUpperCase() === "POST") return;
          }
          if (field === "signature") {
            const sig = (headers as Record<string, string>)["X-Promptreg-Signature"]!;
            const hex = "0123456789abcdef";
            const i = 3 + (index % 64);
            const replacement = hex[(hex.indexOf(sig[i]!) + 1 + (delta % 15)) % 16]!;
            options.headers = {
              ...headers,
              "X-Promptreg-Signature": sig.slice(0, i) + replacement + sig.slice(i + 1),
            };
          }
          const result = await verify(options);
          expect(result).toMatchObject({ ok: false, reason: "signature_mismatch" });
        },
      ),
    );
  });

  it("rejects a changed timestamp or nonce header with signature_mismatch (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -300, max: 300 }).filter((d) => d !== 0),
        nonceArb,
        async (delta, otherNonce) => {
          const { headers } = request();
          const moved = { ...headers, "X-Promptreg-Timestamp": String(NOW_S + delta) };
          expect(await verify({ headers: moved })).toMatchObject({ ok: false, reason: "signature_mismatch" });
          if (otherNonce !== "AAECAwQFBgcICQoLDA0ODw") {
            const renonced = { ...headers, "X-Promptreg-Nonce": otherNonce };
            expect(await verify({ headers: renonced })).toMatchObject({
              ok: false,
              reason: "signature_mismatch",
            });
          }
        },
      ),
    );
  });

  it("gives the right reason for any single-byte change of the timestamp or nonce header (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("X-Promptreg-Timestamp", "X-Promptreg-Nonce"),
        fc.nat(),
        fc.nat(),
        async (name, index, delta) => {
          const { headers } = request();
          const changed = mutate(headers[name]!, index, delta);
          const result = await verify({ headers: { ...headers, [name]: changed } });
          let expected: string;
          if (name === "X-Promptreg-Timestamp") {
            if (!/^[0-9]{1,12}$/.test(changed)) expected = "missing_headers";
            else if (Math.abs(Number(changed) - NOW_S) > 300) expected = "stale_timestamp";
            else expected = "signature_mismatch";
          } else {
            expected = /^[A-Za-z0-9_-]{22,128}$/.test(changed) ? "signature_mismatch" : "missing_headers";
          }
          // A well-formed but different value is caught by the HMAC, which blames the signature header.
          const header = expected === "signature_mismatch" ? "X-Promptreg-Signature" : name;
          expect(result).toMatchObject({ ok: false, reason: expected, header });
        },
      ),
    );
  });

  it("rejects timestamps outside the window as stale, in either direction (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.integer({ min: 301, max: 10_000_000 }), fc.integer({ min: -10_000_000, max: -301 })),
        async (skew) => {
          const { headers } = request({ timestamp: NOW_S + skew });
          const result = await verify({ headers });
          expect(result).toMatchObject({
            ok: false,
            reason: "stale_timestamp",
            header: "X-Promptreg-Timestamp",
          });
        },
      ),
    );
  });

  it("accepts both ends of the window and honours a custom window", async () => {
    for (const skew of [-300, 300]) {
      const { headers } = request({ timestamp: NOW_S + skew });
      expect((await verify({ headers })).ok).toBe(true);
    }
    const { headers } = request({ timestamp: NOW_S - 61 });
    expect(await verify({ headers, windowSeconds: 60, nonceTtlSeconds: 120 })).toMatchObject({
      reason: "stale_timestamp",
    });
  });

  it("rejects a replayed request and accepts the same nonce for another key", async () => {
    const nonceStore = createMemoryNonceStore();
    const { headers } = request();
    expect((await verify({ headers, nonceStore })).ok).toBe(true);
    expect(await verify({ headers, nonceStore })).toMatchObject({ ok: false, reason: "replayed_nonce" });
    const other = request({ keyId: "rotating" });
    expect((await verify({ headers: other.headers, nonceStore })).ok).toBe(true);
  });

  it("does not consume the nonce when the signature is wrong", async () => {
    const seen: string[] = [];
    const nonceStore: NonceStore = {
      seen: async () => false,
      async remember({ nonce }) {
        seen.push(nonce);
        return { outcome: "stored" };
      },
    };
    const { headers } = request();
    const result = await verify({ headers, nonceStore, body: "tampered" });
    expect(result).toMatchObject({ reason: "signature_mismatch" });
    expect(seen).toEqual([]);
    expect((await verify({ headers, nonceStore })).ok).toBe(true);
    expect(seen).toEqual(["AAECAwQFBgcICQoLDA0ODw"]);
  });

  it("checks the timestamp before looking up the key or computing the HMAC", async () => {
    let lookups = 0;
    const { headers } = request({ timestamp: NOW_S - 3600 });
    const result = await verify({
      headers,
      lookupSecrets: (keyId) => {
        lookups++;
        return secrets[keyId];
      },
    });
    expect(result).toMatchObject({ reason: "stale_timestamp" });
    expect(lookups).toBe(0);
  });

  it("passes the configured TTL and capacity to the nonce store", async () => {
    const calls: { ttlSeconds: number; capacity: number }[] = [];
    const nonceStore: NonceStore = {
      seen: async () => false,
      async remember({ ttlSeconds, capacity }) {
        calls.push({ ttlSeconds, capacity });
        return { outcome: "stored" };
      },
    };
    await verify({ headers: request().headers, nonceStore });
    await verify({ headers: request().headers, nonceStore, nonceTtlSeconds: 900, nonceCapacity: 7 });
    expect(calls).toEqual([
      { ttlSeconds: 600, capacity: 100_000 },
      { ttlSeconds: 900, capacity: 7 },
    ]);
  });

  it("refuses a request whose key id's nonce space is full, with a Retry-After hint", async () => {
    const nonceStore = createMemoryNonceStore({ now });
    expect((await verify({ headers: request().headers, nonceStore, nonceCapacity: 1 })).ok).toBe(true);
    const second = request({ nonce: "BBECAwQFBgcICQoLDA0ODw" });
    expect(await verify({ headers: second.headers, nonceStore, nonceCapacity: 1 })).toMatchObject({
      ok: false,
      reason: "nonce_capacity_exceeded",
      header: "X-Promptreg-Nonce",
      retryAfterSeconds: 600,
    });
  });

  it("refuses timestamps before notBeforeSeconds (a restarted service) as stale, whatever the window says", async () => {
    const { headers } = request({ timestamp: NOW_S - 10 });
    const result = await verify({ headers, notBeforeSeconds: NOW_S - 9 });
    expect(result).toMatchObject({ ok: false, reason: "stale_timestamp", header: "X-Promptreg-Timestamp" });
    expect(result.ok === false && result.message).toContain("before this service instance started");
    expect((await verify({ headers, notBeforeSeconds: NOW_S - 10 })).ok).toBe(true);
  });

  it("accepts both secrets of a rotating key and reports which matched", async () => {
    const current = request({ keyId: "rotating", secret: SECRET });
    const old = request({ keyId: "rotating", secret: OLD_SECRET, nonce: "BBECAwQFBgcICQoLDA0ODw" });
    expect(await verify({ headers: current.headers })).toMatchObject({ ok: true, secretIndex: 0 });
    expect(await verify({ headers: old.headers })).toMatchObject({ ok: true, secretIndex: 1 });
    const wrong = request({ keyId: "rotating", secret: "some-other-secret-value" });
    expect(await verify({ headers: wrong.headers })).toMatchObject({ reason: "signature_mismatch" });
  });

  it("supports async secret lookups", async () => {
    const { headers } = request();
    const result = await verify({ headers, lookupSecrets: async (keyId) => secrets[keyId] });
    expect(result.ok).toBe(true);
  });

  it("rejects an unknown key id and one with no secrets", async () => {
    const { headers } = request({ keyId: "nobody" });
    expect(await verify({ headers })).toMatchObject({ ok: false, reason: "unknown_key" });
    expect(await verify({ headers, lookupSecrets: () => [] })).toMatchObject({ reason: "unknown_key" });
  });

  it("reports every missing header by its canonical name", async () => {
    const result = await verify({ headers: {} });
    expect(result).toMatchObject({ ok: false, reason: "missing_headers", header: "X-Promptreg-Key" });
    if (!result.ok) {
      for (const name of [
        "X-Promptreg-Key",
        "X-Promptreg-Timestamp",
        "X-Promptreg-Nonce",
        "X-Promptreg-Signature",
      ]) {
        expect(result.message).toContain(name);
      }
    }
    const { headers } = request();
    const { "X-Promptreg-Nonce": _dropped, ...rest } = headers as Record<string, string>;
    expect(await verify({ headers: rest })).toMatchObject({
      reason: "missing_headers",
      header: "X-Promptreg-Nonce",
    });
  });

  it.each([
    ["X-Promptreg-Key", "bad key"],
    ["X-Promptreg-Timestamp", "12.5"],
    ["X-Promptreg-Timestamp", "-5"],
    ["X-Promptreg-Nonce", "tooshort"],
    ["X-Promptreg-Nonce", "AAECAwQFBgcICQoLDA0ODw=="],
    ["X-Promptreg-Signature", "v2=abc"],
    ["X-Promptreg-Signature", `v1=${"A".repeat(64)}`],
    ["X-Promptreg-Signature", `v1=${"a".repeat(63)}`],
  ])("treats a malformed %s (%s) as missing_headers", async (name, value) => {
    const { headers } = request();
    const result = await verify({ headers: { ...headers, [name]: value } });
    expect(result).toMatchObject({ ok: false, reason: "missing_headers", header: name });
  });

  it("reads Node-style lower-case headers and fetch Headers objects", async () => {
    const { headers } = request();
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect((await verify({ headers: lower })).ok).toBe(true);
    expect((await verify({ headers: new Headers(headers as Record<string, string>) })).ok).toBe(true);
  });

  it("rejects a header sent twice", async () => {
    const { headers } = request();
    const doubled: Record<string, string | string[]> = {
      ...headers,
      "x-promptreg-nonce": ["AAECAwQFBgcICQoLDA0ODw", "BBECAwQFBgcICQoLDA0ODw"],
    };
    const { "X-Promptreg-Nonce": _n, ...withoutCanonical } = doubled;
    expect(await verify({ headers: withoutCanonical })).toMatchObject({ reason: "missing_headers" });
    expect(await verify({ headers: doubled })).toMatchObject({
      reason: "missing_headers",
      header: "X-Promptreg-Nonce",
    });
  });

  it("verifies byte bodies that are not valid UTF-8", async () => {
    const body = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
    const { headers } = request({ body });
    expect((await verify({ headers, body })).ok).toBe(true);
    expect((await verify({ headers, body: body.toString("utf8") })).ok).toBe(false);
  });

  it("never echoes the secret in failure messages (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 12 }), async (secret) => {
        const headers = signRequest({ keyId: "app-1", secret, method: "POST", pathAndQuery: "/", body: "" });
        const result = await verify({ headers, pathAndQuery: "/", body: "", now: Date.now });
        expect(JSON.stringify(result)).not.toContain(secret);
      }),
      { numRuns: 50 },
    );
  });

  it("refuses options that would weaken replay protection", async () => {
    const { headers } = request();
    await expect(verify({ headers, nonceTtlSeconds: 100 })).rejects.toThrow(InvalidVerifyOptionsError);
    await expect(verify({ headers, windowSeconds: 0 })).rejects.toThrow(/windowSeconds/);
  });

  it("propagates infrastructure failures from the nonce store instead of answering 401", async () => {
    const nonceStore: NonceStore = {
      seen: async () => false,
      remember: () => Promise.reject(new Error("redis down")),
    };
    await expect(verify({ headers: request().headers, nonceStore })).rejects.toThrow("redis down");
  });
});

describe("checkSignatureHeaders", () => {
  const head = (
    headers: Record<string, string>,
    extra: Partial<Parameters<typeof checkSignatureHeaders>[0]> = {},
  ) =>
    checkSignatureHeaders({
      method: "POST",
      pathAndQuery: "/v1/render?x=1",
      headers,
      lookupSecrets,
      now,
      ...extra,
    });

  it("passes the headers without a body, then checks the body's HMAC", async () => {
    const { headers, input } = request();
    const pending = await head(headers);
    if (!pending.ok) throw new Error(pending.message);
    expect(pending).toMatchObject({ keyId: "app-1", timestamp: NOW_S, nonce: input.nonce });
    expect(pending.verifyBody(input.body)).toEqual({ ok: true, secretIndex: 0 });
    expect(pending.verifyBody("tampered")).toMatchObject({ ok: false, reason: "signature_mismatch" });
  });

  it("never exposes a secret in the pending result", async () => {
    const pending = await head(request().headers);
    expect(JSON.stringify(pending)).not.toContain(SECRET);
    expect(Object.values(pending).some((value) => value === SECRET)).toBe(false);
  });

  it("fails on the headers alone: missing, stale or unknown key, before any body exists", async () => {
    expect(await head({})).toMatchObject({ ok: false, reason: "missing_headers" });
    expect(await head(request({ timestamp: NOW_S - 301 }).headers)).toMatchObject({
      reason: "stale_timestamp",
    });
    expect(await head(request({ keyId: "nobody" }).headers)).toMatchObject({ reason: "unknown_key" });
  });
});
