import { createHmac, createSecretKey, hash, type KeyObject } from "node:crypto";
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

/** HMAC-SHA256 keyed with the UTF-8 bytes of the secret (or a key object made of them), as raw bytes. */
export function computeSignature(secret: string | KeyObject, stringToSign: string): Buffer {
  const key = typeof secret === "string" ? Buffer.from(secret, "utf8") : secret;
  return createHmac("sha256", key).update(stringToSign, "utf8").digest();
}

/**
 * Keys of a frozen secrets array (parseClientKeys freezes each client's), built once per array instead of encoding
 * each secret on every request: `createSecretKey` once. The array is the cache key, so the keys live exactly as long
 * as the credential that holds the secrets (a reload's new credentials get new keys, a removed one takes its keys
 * with it) and a secret never sits in a cache of its own. An array that is not frozen could change under a cached
 * key, so it is encoded on every call instead.
 */
const keysBySecrets = new WeakMap<readonly string[], readonly KeyObject[]>();

export function secretKeys(secrets: readonly string[]): readonly (string | KeyObject)[] {
  if (!Object.isFrozen(secrets)) return secrets;
  let keys = keysBySecrets.get(secrets);
  if (keys === undefined) {
    keys = Object.freeze(secrets.map((secret) => createSecretKey(Buffer.from(secret, "utf8"))));
    keysBySecrets.set(secrets, keys);
  }
  return keys;
}
