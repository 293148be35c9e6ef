import { createHash, createHmac } from "node:crypto";

export type BodyInput = Buffer | Uint8Array | string | undefined | null;

function toBytes(body: BodyInput): Uint8Array {
  if (body === undefined || body === null) return new Uint8Array(0);
  if (typeof body === "string") return Buffer.from(body, "utf8");
  return body;
}

/** Lowercase hex SHA-256 of the raw body bytes; strings are UTF-8 encoded, a missing body is the empty string. */
export function hashBody(body: BodyInput): string {
  return createHash("sha256").update(toBytes(body)).digest("hex");
}

/**
 * The exact bytes that are signed (UTF-8):
 * "v1\n" + METHOD + "\n" + pathAndQuery + "\n" + timestamp + "\n" + nonce + "\n" + hex(sha256(body))
 */
export function buildStringToSign(options: {
  method: string;
  pathAndQuery: string;
  timestamp: string;
  nonce: string;
  bodyHash: string;
}): string {
  return [
    "v1",
    options.method.toUpperCase(),
    options.pathAndQuery,
    options.timestamp,
    options.nonce,
    options.bodyHash,
  ].join("\n");
}

/** HMAC-SHA256 keyed with the UTF-8 bytes of the secret, as raw bytes. */
export function computeSignature(secret: string, stringToSign: string): Buffer {
  return createHmac("sha256", Buffer.from(secret, "utf8")).update(stringToSign, "utf8").digest();
}
