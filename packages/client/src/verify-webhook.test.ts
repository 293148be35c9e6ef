import { signRequest } from "@promptreg/signing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WebhookVerificationError } from "./errors/webhook-verification-error.js";
import { verifyWebhook } from "./verify-webhook.js";

// The service signs webhooks with @promptreg/signing's signRequest (node:crypto); the verifier uses Web Crypto only.
const KEY = { keyId: "app", secret: "app-secret-0123456789abcdef" };
const NOW_S = 1_800_000_000;
const now = () => NOW_S * 1000;

function webhook({
  body = '{"type":"batch.completed","id":"dlv_1","createdAt":"2027-01-15T08:00:00.000Z","data":{"n":1}}',
  pathAndQuery = "/hooks?x=1",
  secret = KEY.secret,
  timestamp = NOW_S,
} = {}) {
  const headers = {
    ...signRequest({ keyId: KEY.keyId, secret, method: "POST", pathAndQuery, body, timestamp }),
    "X-Promptreg-Event": "batch.completed",
  };
  return { pathAndQuery, headers: new Headers(headers), body, keyId: KEY.keyId, secrets: KEY.secret, now };
}

async function refusal(options: Parameters<typeof verifyWebhook>[0]) {
  const error = await verifyWebhook(options).catch((thrown: unknown) => thrown);
  expect(WebhookVerificationError.isInstance(error)).toBe(true);
  return error as WebhookVerificationError;
}

describe("verifyWebhook", () => {
  it("accepts what the service signed and returns the event", async () => {
    expect(await verifyWebhook(webhook())).toEqual({
      type: "batch.completed",
      id: "dlv_1",
      createdAt: "2027-01-15T08:00:00.000Z",
      data: { n: 1 },
      secretIndex: 0,
    });
  });

  it("accepts the second secret during a rotation, from Node's req.headers too", async () => {
    const signed = webhook({ secret: "new-secret-0123456789abcdef" });
    const headers = Object.fromEntries([...signed.headers].map(([name, value]) => [name, value]));
    const verified = await verifyWebhook({
      ...signed,
      headers,
      secrets: [KEY.secret, "new-secret-0123456789abcdef"],
    });
    expect(verified.secretIndex).toBe(1);
  });

  it("refuses any change to the body, path or secret (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.json(),
        fc.stringMatching(/^\/[a-z0-9/?=&%]{0,40}$/),
        fc.nat({ max: 1_000 }),
        async (data, pathAndQuery, flip) => {
          const body = JSON.stringify({
            type: "batch.completed",
            id: "d",
            createdAt: "t",
            data: JSON.parse(data),
          });
          const signed = webhook({ body, pathAndQuery });
          expect((await verifyWebhook(signed)).id).toBe("d");
          const bytes = new TextEncoder().encode(body);
          bytes[flip % bytes.length]! ^= 1;
          expect((await refusal({ ...signed, body: bytes })).reason).toBe("signature_mismatch");
          expect((await refusal({ ...signed, pathAndQuery: `${pathAndQuery}x` })).reason).toBe(
            "signature_mismatch",
          );
          expect((await refusal({ ...signed, secrets: "other-secret-0123456789abcdef" })).reason).toBe(
            "signature_mismatch",
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it("names the header at fault: missing, malformed, another key, a stale timestamp, a replay", async () => {
    const signed = webhook();
    const without = new Headers(signed.headers);
    without.delete("X-Promptreg-Nonce");
    expect(await refusal({ ...signed, headers: without })).toMatchObject({
      reason: "missing_header",
      details: { header: "X-Promptreg-Nonce" },
    });
    const badSignature = new Headers(signed.headers);
    badSignature.set("X-Promptreg-Signature", "v1=zz");
    expect((await refusal({ ...signed, headers: badSignature })).reason).toBe("malformed_header");
    expect((await refusal({ ...signed, keyId: "someone-else" })).reason).toBe("unknown_key");
    expect(await refusal({ ...webhook({ timestamp: NOW_S - 301 }) })).toMatchObject({
      reason: "stale_timestamp",
      details: { header: "X-Promptreg-Timestamp" },
    });
    expect((await refusal({ ...signed, isReplay: () => true })).reason).toBe("replayed_nonce");
    const wrongEvent = new Headers(signed.headers);
    wrongEvent.set("X-Promptreg-Event", "batch.cancelled");
    expect((await refusal({ ...signed, headers: wrongEvent })).reason).toBe("malformed_header");
  });

  it("refuses a signed body that is not a webhook event", async () => {
    expect((await refusal(webhook({ body: "not json" }))).reason).toBe("invalid_body");
    expect((await refusal(webhook({ body: '{"type":"batch.completed"}' }))).reason).toBe("invalid_body");
  });
});
