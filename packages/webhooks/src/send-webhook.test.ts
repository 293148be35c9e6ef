import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type VerifiedWebhook, verifyWebhook } from "@promptreg/client";
import { afterEach, describe, expect, it } from "vitest";
import { WebhookDeliveryError } from "./errors/webhook-delivery-error.js";
import { sendWebhook } from "./send-webhook.js";

// A real HTTP receiver that verifies every attempt with the client SDK's verifyWebhook, then answers as scripted.
const CREDENTIAL = { keyId: "batch-app", secret: "batch-app-secret-0123456789abcdef" };

interface Received {
  verified: VerifiedWebhook | Error;
  headers: IncomingMessage["headers"];
}

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function receiver(answers: { status: number; headers?: Record<string, string> }[]) {
  const received: Received[] = [];
  const seenNonces = new Set<string>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const verified = await verifyWebhook({
      pathAndQuery: req.url ?? "/",
      headers: req.headers,
      body: new Uint8Array(Buffer.concat(chunks)),
      keyId: CREDENTIAL.keyId,
      secrets: CREDENTIAL.secret,
      isReplay: (nonce) => {
        const seen = seenNonces.has(nonce);
        seenNonces.add(nonce);
        return seen;
      },
    }).catch((error: Error) => error);
    received.push({ verified, headers: req.headers });
    const answer = answers[Math.min(received.length - 1, answers.length - 1)]!;
    res.writeHead(answer.status, answer.headers).end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/promptreg?tenant=a%20b`, port, received };
}

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

const base = {
  event: "batch.completed",
  deliveryId: "dlv_01",
  data: { batchId: "b_1", counts: { succeeded: 9, failed: 1 } },
  credential: CREDENTIAL,
  random: () => 0.5,
};

describe("sendWebhook", () => {
  it("delivers a webhook the client SDK verifies, signed over the path and query with the client credential", async () => {
    const hook = await receiver([{ status: 204 }]);
    expect(await sendWebhook({ ...base, url: hook.url })).toEqual({
      deliveryId: "dlv_01",
      attempts: 1,
      status: 204,
    });
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.verified).toMatchObject({
      type: "batch.completed",
      id: "dlv_01",
      data: base.data,
      secretIndex: 0,
    });
    expect(hook.received[0]!.headers).toMatchObject({
      "x-promptreg-event": "batch.completed",
      "x-promptreg-delivery": "dlv_01",
      "x-promptreg-attempt": "1",
      "x-promptreg-key": "batch-app",
    });
  });

  it("retries 503, 429 and 408 with backoff, honouring Retry-After, each attempt freshly signed", async () => {
    const hook = await receiver([
      { status: 503 },
      { status: 429, headers: { "Retry-After": "2" } },
      { status: 408 },
      { status: 200 },
    ]);
    const { waits, sleep } = recordingSleep();
    const delivery = await sendWebhook({
      ...base,
      url: hook.url,
      sleep,
      baseDelayMs: 1_000,
      maxDelayMs: 30_000,
    });
    expect(delivery.attempts).toBe(4);
    // Full jitter at 0.5: 500 ms after the first failure; Retry-After 2 s plus 10% jitter at 0.5; then 0.5 x 4 s.
    expect(waits).toEqual([500, 2_100, 2_000]);
    // Every attempt verified (a fresh nonce each: none was refused as a replay), all with the same delivery id.
    for (const [index, { verified, headers }] of hook.received.entries()) {
      expect(verified).toMatchObject({ id: "dlv_01" });
      expect(headers["x-promptreg-attempt"]).toBe(String(index + 1));
    }
  });

  it("gives up at once on a 4xx refusal, with a typed error", async () => {
    const hook = await receiver([{ status: 401 }]);
    const { waits, sleep } = recordingSleep();
    const error = await sendWebhook({ ...base, url: hook.url, sleep }).catch((thrown: unknown) => thrown);
    expect(WebhookDeliveryError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: "webhook_failed", reason: "rejected", attempts: 1, lastStatus: 401 });
    expect(waits).toEqual([]);
  });

  it("ends with attempts_exhausted after maxAttempts failures, and stops when Retry-After is too long", async () => {
    const failing = await receiver([{ status: 500 }]);
    const { sleep } = recordingSleep();
    await expect(sendWebhook({ ...base, url: failing.url, sleep, maxAttempts: 3 })).rejects.toMatchObject({
      reason: "attempts_exhausted",
      attempts: 3,
      lastStatus: 500,
    });
    expect(failing.received).toHaveLength(3);

    const slow = await receiver([{ status: 503, headers: { "Retry-After": "3600" } }]);
    await expect(sendWebhook({ ...base, url: slow.url, sleep })).rejects.toMatchObject({
      reason: "retry_after_too_long",
      attempts: 1,
    });
  });

  it("retries connection failures and never shows URL credentials or the secret in its error", async () => {
    const hook = await receiver([{ status: 200 }]);
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const { sleep } = recordingSleep();
    const error = (await sendWebhook({
      ...base,
      url: `http://hook-user:hook-pass-9f8e@127.0.0.1:${hook.port}/hooks`,
      sleep,
      maxAttempts: 2,
    }).catch((thrown: unknown) => thrown)) as WebhookDeliveryError;
    expect(error).toMatchObject({ reason: "attempts_exhausted", attempts: 2, lastStatus: undefined });
    expect(error.lastError).toMatch(/fetch failed/);
    expect(error.message).toContain(`http://[redacted]@127.0.0.1:${hook.port}/hooks`);
    for (const secret of ["hook-pass-9f8e", CREDENTIAL.secret]) {
      expect(error.message).not.toContain(secret);
      expect(JSON.stringify(error)).not.toContain(secret);
    }
  });

  it("sends URL credentials as Basic auth, and still signs the path alone", async () => {
    const hook = await receiver([{ status: 200 }]);
    await sendWebhook({ ...base, url: hook.url.replace("http://", "http://hook-user:p%40ss@") });
    expect(hook.received[0]!.headers.authorization).toBe(`Basic ${btoa("hook-user:p@ss")}`);
    expect(hook.received[0]!.verified).toMatchObject({ id: "dlv_01" });
  });

  it("refuses a bad URL or an oversized body before any attempt", async () => {
    await expect(sendWebhook({ ...base, url: "ftp://example.com/x" })).rejects.toThrow(/http: or https:/);
    await expect(sendWebhook({ ...base, url: "/relative" })).rejects.toThrow(/absolute URL/);
    await expect(
      sendWebhook({ ...base, url: "http://127.0.0.1:1/x", data: "x".repeat(300 * 1024) }),
    ).rejects.toThrow(/over the 262144-byte limit/);
  });

  it("stops when its signal aborts, between attempts", async () => {
    const hook = await receiver([{ status: 503 }]);
    const controller = new AbortController();
    const error = await sendWebhook({
      ...base,
      url: hook.url,
      signal: controller.signal,
      sleep: async () => controller.abort(),
    }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ reason: "aborted" });
  });
});
