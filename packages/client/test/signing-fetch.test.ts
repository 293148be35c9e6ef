import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createMemoryNonceStore, type VerifyResult, verifyRequest } from "@promptreg/signing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSigningFetch, InvalidClientOptionsError } from "../src/index.js";

const KEY_ID = "facade-app";
const SECRET = "signing-fetch-secret-0123456789";

interface Seen {
  method: string;
  pathAndQuery: string;
  body: Buffer;
  authorization: string | undefined;
  contentType: string | undefined;
  custom: string | undefined;
  verify: VerifyResult;
}

let url: string;
let seen: Seen[];
let close: () => Promise<void>;

beforeAll(async () => {
  seen = [];
  const nonceStore = createMemoryNonceStore();
  // A real server verifying with the same verifyRequest the service uses, over the raw bytes it received.
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const verify = await verifyRequest({
      method: req.method ?? "GET",
      pathAndQuery: req.url ?? "/",
      headers: req.headers,
      body,
      lookupSecrets: (keyId) => (keyId === KEY_ID ? [SECRET] : undefined),
      nonceStore,
    });
    seen.push({
      method: req.method ?? "",
      pathAndQuery: req.url ?? "",
      body,
      authorization: req.headers.authorization,
      contentType: req.headers["content-type"],
      custom: req.headers["x-custom"] as string | undefined,
      verify,
    });
    res.writeHead(verify.ok ? 200 : 401, { "content-type": "application/json" });
    res.end(JSON.stringify(verify.ok ? { ok: true } : { error: { code: verify.reason } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
});

afterAll(async () => {
  await close();
});

const signingFetch = () => createSigningFetch({ keyId: KEY_ID, secret: SECRET });

async function lastAfter(response: Response): Promise<Seen> {
  await response.arrayBuffer();
  const last = seen.at(-1);
  if (last === undefined) throw new Error("the server saw no request");
  return last;
}

describe("createSigningFetch", () => {
  it("signs a POST with a string body; the server verifies it over the bytes it received", async () => {
    const body = JSON.stringify({
      model: "template:support/summarize-ticket@production",
      input: { ticket: "héllo" },
    });
    const response = await signingFetch()(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer unused", "x-custom": "kept" },
      body,
    });
    const last = await lastAfter(response);
    expect(response.status).toBe(200);
    expect(last.verify).toMatchObject({ ok: true, keyId: KEY_ID });
    expect(last.body.toString("utf8")).toBe(body);
    expect(last.authorization).toBeUndefined();
    expect(last.custom).toBe("kept");
    expect(last.contentType).toBe("application/json");
  });

  it("signs a Uint8Array body byte for byte (not re-encoded as text)", async () => {
    const bytes = new Uint8Array([0, 255, 128, 10, 13, 0xc3, 0x28]);
    const response = await signingFetch()(`${url}/upload`, { method: "PUT", body: bytes });
    const last = await lastAfter(response);
    expect(last.verify.ok).toBe(true);
    expect([...last.body]).toEqual([...bytes]);
  });

  it("signs a request without a body (GET) as the hash of the empty string", async () => {
    const response = await signingFetch()(`${url}/v1/models`);
    const last = await lastAfter(response);
    expect(last).toMatchObject({ method: "GET", pathAndQuery: "/v1/models", verify: { ok: true } });
    expect(last.body.byteLength).toBe(0);
  });

  it("signs the path and query exactly as sent, including encoding and repeated keys", async () => {
    const response = await signingFetch()(new URL(`${url}/v1/templates?tag=a b&tag=c%2Fd&limit=5#fragment`));
    const last = await lastAfter(response);
    expect(last.pathAndQuery).toBe("/v1/templates?tag=a%20b&tag=c%2Fd&limit=5");
    expect(last.verify.ok).toBe(true);
  });

  it("accepts a Request object as input, with its method, headers and body", async () => {
    const request = new Request(`${url}/v1/render?x=1`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-custom": "from-request" },
      body: '{"ref":"greeting/hello","input":{}}',
    });
    const response = await signingFetch()(request);
    const last = await lastAfter(response);
    expect(last).toMatchObject({ method: "POST", pathAndQuery: "/v1/render?x=1", custom: "from-request" });
    expect(last.body.toString()).toBe('{"ref":"greeting/hello","input":{}}');
    expect(last.verify.ok).toBe(true);
  });

  it("lets init override a Request's method and body, and signs what is really sent", async () => {
    const request = new Request(`${url}/v1/run`, { method: "POST", body: "original" });
    const response = await signingFetch()(request, { method: "PATCH", body: "replaced" });
    const last = await lastAfter(response);
    expect(last).toMatchObject({ method: "PATCH", verify: { ok: true } });
    expect(last.body.toString()).toBe("replaced");
  });

  it("signs a streamed body after reading it once", async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("part one, "));
        controller.enqueue(new TextEncoder().encode("part two"));
        controller.close();
      },
    });
    const response = await signingFetch()(`${url}/stream`, {
      method: "POST",
      body: stream,
      duplex: "half",
    } as RequestInit);
    const last = await lastAfter(response);
    expect(last.body.toString()).toBe("part one, part two");
    expect(last.verify.ok).toBe(true);
  });

  it("every request gets a fresh nonce, so repeating a call is not a replay", async () => {
    const fetchSigned = signingFetch();
    const first = await lastAfter(await fetchSigned(`${url}/again`, { method: "POST", body: "same" }));
    const second = await lastAfter(await fetchSigned(`${url}/again`, { method: "POST", body: "same" }));
    expect(first.verify.ok && second.verify.ok).toBe(true);
    if (first.verify.ok && second.verify.ok) expect(first.verify.nonce).not.toBe(second.verify.nonce);
  });

  it("a wrong secret is rejected by the server with signature_mismatch", async () => {
    const wrong = createSigningFetch({ keyId: KEY_ID, secret: "not-the-secret" });
    const last = await lastAfter(await wrong(`${url}/v1/render`, { method: "POST", body: "{}" }));
    expect(last.verify).toMatchObject({ ok: false, reason: "signature_mismatch" });
  });

  it("uses the fetch it was given", async () => {
    const sent: string[] = [];
    const fetchSigned = createSigningFetch({
      keyId: KEY_ID,
      secret: SECRET,
      fetch: (input, init) => {
        sent.push(String(input));
        return fetch(input, init);
      },
    });
    const last = await lastAfter(await fetchSigned(`${url}/via-custom`));
    expect(sent).toEqual([`${url}/via-custom`]);
    expect(last.verify.ok).toBe(true);
  });

  it("any method, path, query and body round-trips through verification", async () => {
    const fetchSigned = signingFetch();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH"),
        fc.array(fc.stringMatching(/^[A-Za-z0-9._~-]{1,8}$/), { minLength: 1, maxLength: 3 }),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
        fc.uint8Array({ maxLength: 64 }),
        async (method, segments, query, bytes) => {
          const target = new URL(`${url}/${segments.join("/")}`);
          for (const [key, value] of Object.entries(query)) target.searchParams.append(key, value);
          const withBody = method !== "GET";
          const last = await lastAfter(
            await fetchSigned(target, { method, body: withBody ? bytes : undefined }),
          );
          expect(last.verify.ok).toBe(true);
          expect(last.pathAndQuery).toBe(target.pathname + target.search);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("rejects a malformed key id or empty secret up front without echoing the secret", () => {
    expect(() => createSigningFetch({ keyId: "bad id!", secret: SECRET })).toThrow(InvalidClientOptionsError);
    try {
      createSigningFetch({ keyId: KEY_ID, secret: "" });
      expect.unreachable();
    } catch (error) {
      expect(InvalidClientOptionsError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('"secret" is empty');
    }
    try {
      createSigningFetch({ keyId: "bad id!", secret: SECRET });
    } catch (error) {
      expect((error as Error).message).not.toContain(SECRET);
    }
  });
});
