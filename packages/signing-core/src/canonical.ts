import { fromHex, subtle, toHex, utf8 } from "./web-crypto.js";

/** The raw body bytes as sent; a string is UTF-8 encoded, a missing body is the empty string. (A Node `Buffer` is a Uint8Array.) */
export type BodyInput = Uint8Array | string | undefined | null;

export function bodyBytes(body: BodyInput): Uint8Array {
  if (body === undefined || body === null) return new Uint8Array(0);
  if (typeof body === "string") return utf8(body);
  return body;
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

/** Lowercase hex SHA-256 of the raw body bytes (Web Crypto). */
export async function hashBody(body: BodyInput): Promise<string> {
  return toHex(new Uint8Array(await subtle().digest("SHA-256", bodyBytes(body))));
}

function hmacKey(secret: string, usage: "sign" | "verify") {
  return subtle().importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

/** HMAC-SHA256 keyed with the UTF-8 bytes of the secret, as lowercase hex (the part after "v1="). */
export async function computeSignature(secret: string, stringToSign: string): Promise<string> {
  const key = await hmacKey(secret, "sign");
  return toHex(new Uint8Array(await subtle().sign("HMAC", key, utf8(stringToSign))));
}

/**
 * Which of `secrets` signed `stringToSign` as `signatureHex` (the 64 hex digits after "v1="; check the header against
 * SIGNATURE_PATTERN first), or -1 for none. Every secret is tried without
 * an early exit, and each comparison happens inside `crypto.subtle.verify`, so timing does not reveal which matched.
 */
export async function matchSignature(options: {
  secrets: readonly string[];
  stringToSign: string;
  signatureHex: string;
}): Promise<number> {
  const signature = fromHex(options.signatureHex);
  const data = utf8(options.stringToSign);
  let secretIndex = -1;
  for (const [index, secret] of options.secrets.entries()) {
    const key = await hmacKey(secret, "verify");
    const matches = await subtle().verify("HMAC", key, signature, data);
    if (matches && secretIndex === -1) secretIndex = index;
  }
  return secretIndex;
}
