import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createMemoryNonceStore, type VerifyResult, verifyRequest } from "@promptreg/signing";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSigningFetch } from "../src/index.js";

const KEY_ID = "openai-sdk-app";
const SECRET = "openai-sdk-secret-0123456789";

let url: string;
let close: () => Promise<void>;
const seen: { verify: VerifyResult; body: Record<string, unknown>; authorization: string | undefined }[] = [];

// Stands in for the service's OpenAI-compatible facade: verifies the signature over the raw bytes, then answers a
// minimal chat completion (plain or streamed) so the official SDK can parse it.
beforeAll(async () => {
  const nonceStore = createMemoryNonceStore();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const verify = await verifyRequest({
      method: req.method ?? "GET",
      pathAndQuery: req.url ?? "/",
      headers: req.headers,
      body: raw,
      lookupSecrets: (keyId) => (keyId === KEY_ID ? [SECRET] : undefined),
      nonceStore,
    });
    const body = JSON.parse(raw.toString("utf8") || "{}") as Record<string, unknown>;
    seen.push({ verify, body, authorization: req.headers.authorization });
    if (!verify.ok) {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: { type: "authentication_error", code: verify.reason, message: verify.message },
        }),
      );
      return;
    }
    const base = { id: "chatcmpl-1", created: 1, model: String(body.model) };
    if (body.stream) {
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (const text of ["Hel", "lo"]) {
        const chunk = {
          ...base,
          object: "chat.completion.chunk",
          choices: [{ index: 0, delta: { content: text } }],
        };
        res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      }
      res.end("data: [DONE]\n\n");
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        ...base,
        object: "chat.completion",
        choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "Hello" } }],
        usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
      }),
    );
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

const sdk = (secret = SECRET) =>
  new OpenAI({
    baseURL: `${url}/v1`,
    apiKey: "unused",
    maxRetries: 0,
    fetch: createSigningFetch({ keyId: KEY_ID, secret }),
  });

describe("createSigningFetch with the official openai SDK", () => {
  it("a chat completion is signed, verified, and the extra `input` field travels in the signed body", async () => {
    const completion = await sdk().chat.completions.create({
      model: "template:support/summarize-ticket@production",
      messages: [],
      // @ts-expect-error: promptreg extension, forwarded as-is by the SDK
      input: { ticket: "My invoice is wrong." },
    });
    expect(completion.choices[0]?.message.content).toBe("Hello");
    const last = seen.at(-1)!;
    expect(last.verify).toMatchObject({ ok: true, keyId: KEY_ID });
    expect(last.body.input).toEqual({ ticket: "My invoice is wrong." });
    expect(last.authorization).toBeUndefined();
  });

  it("a streamed completion is signed too", async () => {
    const stream = await sdk().chat.completions.create({
      model: "template:support/greet",
      messages: [],
      stream: true,
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("Hello");
    expect(seen.at(-1)?.verify.ok).toBe(true);
  });

  it("a wrong secret surfaces as the SDK's AuthenticationError", async () => {
    await expect(
      sdk("wrong-secret-wrong-secret").chat.completions.create({ model: "template:x", messages: [] }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect(seen.at(-1)?.verify).toMatchObject({ ok: false, reason: "signature_mismatch" });
  });
});
