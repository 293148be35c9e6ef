import { createHmac, hash } from "node:crypto";
import { type BodyInput, bodyBytes } from "@promptreg/signing-core";

// The server's synchronous twins of @promptreg/signing-core's Web Crypto functions: the service verifies every
// request, and node:crypto's one-shot HMAC costs a fraction of Web Crypto's importKey + sign round trip through
// promises. spec-vectors.test.ts runs both against docs/security.md's vectors, so they cannot disagree.

/**
 * Lowercase hex SHA-256 of the raw body bytes; strings are UTF-8 encoded, a missing body is the empty string. The
 * one-shot `crypto.hash` (Node 20.12+) skips the Hash object of `createHash().update().digest()`, about half its
 * cost for a request-sized body; the service hashes every request's body.
 */
export function hashBody(body: BodyInput): string {
  return hash("sha256", bodyBytes(body), "hex");
}

/** HMAC-SHA256 keyed with the UTF-8 bytes of the secret, as raw bytes. */
export function computeSignature(secret: string, stringToSign: string): Buffer {
  return createHmac("sha256", Buffer.from(secret, "utf8")).update(stringToSign, "utf8").digest();
}
