// Run with `bun` by ../bun-runtime.test.ts (not by vitest): the SDK's signing, a signed call and verifyWebhook on
// a runtime that is not Node. Reads a JSON job from argv[2], prints one JSON report on stdout.
import { hashBody, signRequest } from "@promptreg/signing-core";
import { createClient, verifyWebhook } from "../../src/index.js";

interface Job {
  vectors: {
    name: string;
    keyId: string;
    secret: string;
    method: string;
    pathAndQuery: string;
    timestamp: number;
    nonce: string;
    body?: string;
    bodyBase64?: string;
  }[];
  service: { url: string; keyId: string; secret: string };
  webhook: { pathAndQuery: string; headers: Record<string, string>; body: string; nowMs: number };
}

const job = JSON.parse(process.argv[2] ?? "{}") as Job;
const bytesOf = (vector: Job["vectors"][number]) =>
  vector.bodyBase64 !== undefined
    ? Uint8Array.from(atob(vector.bodyBase64), (c) => c.charCodeAt(0))
    : new TextEncoder().encode(vector.body ?? "");

const vectors = [];
for (const vector of job.vectors) {
  const body = bytesOf(vector);
  vectors.push({
    name: vector.name,
    bodySha256: await hashBody(body),
    headers: await signRequest({ ...vector, body }),
  });
}

const client = createClient({
  baseUrl: job.service.url,
  keyId: job.service.keyId,
  secret: job.service.secret,
});
const rendered = await client.render("support/summarize@^1", { ticket: "Printer is on fire" });

const webhook = await verifyWebhook({
  ...job.webhook,
  keyId: job.service.keyId,
  secrets: ["rotated-out-secret", job.service.secret],
  now: () => job.webhook.nowMs,
});

console.log(JSON.stringify({ runtime: { bun: process.versions.bun ?? null }, vectors, rendered, webhook }));
