import type { BodyInput } from "./canonical.js";
import { buildStringToSign, computeSignature, hashBody } from "./canonical.js";
import { InvalidSignInputError } from "./errors/invalid-sign-input-error.js";
import {
  KEY_ID_PATTERN,
  METHOD_PATTERN,
  NONCE_PATTERN,
  SIGNATURE_HEADERS,
  type SignatureHeaders,
} from "./headers.js";
import { randomBytes, toBase64Url } from "./web-crypto.js";

export interface SignRequestOptions {
  keyId: string;
  secret: string;
  /** HTTP method; upper-cased before signing. */
  method: string;
  /** Path and query exactly as they will be sent on the request line, e.g. "/v1/templates?tag=a%20b". */
  pathAndQuery: string;
  /** Raw body bytes exactly as sent. Strings are UTF-8 encoded. Omit (or pass "") for no body. */
  body?: BodyInput;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  /** Unpadded base64url, at least 22 characters (16 bytes); defaults to 16 fresh random bytes. */
  nonce?: string;
}

const NONCE_BYTES = 16;

/** Creates a fresh nonce: 16 random bytes from `crypto.getRandomValues`, unpadded base64url (22 characters). */
export function createNonce(): string {
  return toBase64Url(randomBytes(NONCE_BYTES));
}

/**
 * Checks every option `signRequest` needs and returns the timestamp text and nonce to sign (defaults filled in).
 * Synchronous, so a client can report a malformed key id or an empty secret when it is configured. Throws
 * `InvalidSignInputError` naming the field.
 */
export function checkSignInput(options: Omit<SignRequestOptions, "body">): {
  timestamp: string;
  nonce: string;
} {
  const { keyId, secret, method, pathAndQuery } = options;
  if (typeof keyId !== "string" || !KEY_ID_PATTERN.test(keyId)) {
    throw new InvalidSignInputError({
      field: "keyId",
      problem: "must be 1-128 characters of A-Z a-z 0-9 . _ ~ -",
      fix: "Use the key id your promptreg operator issued.",
    });
  }
  if (typeof secret !== "string" || secret.length === 0) {
    throw new InvalidSignInputError({
      field: "secret",
      problem: "is empty",
      fix: "Pass the signing secret issued with the key id (e.g. from PROMPTREG_SECRET).",
    });
  }
  if (typeof method !== "string" || !METHOD_PATTERN.test(method)) {
    throw new InvalidSignInputError({
      field: "method",
      problem: "is not an HTTP method token",
      fix: 'Pass e.g. "POST" or "GET".',
    });
  }
  if (typeof pathAndQuery !== "string" || !pathAndQuery.startsWith("/") || /[\s]/.test(pathAndQuery)) {
    throw new InvalidSignInputError({
      field: "pathAndQuery",
      problem: "must start with '/' and contain no whitespace",
      fix: 'Pass the request target exactly as sent, percent-encoded, e.g. "/v1/render?x=1" (not a full URL).',
    });
  }
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new InvalidSignInputError({
      field: "timestamp",
      problem: "must be a non-negative integer number of unix seconds",
      fix: "Use Math.floor(Date.now() / 1000) or omit it.",
    });
  }
  const nonce = options.nonce ?? createNonce();
  if (typeof nonce !== "string" || !NONCE_PATTERN.test(nonce)) {
    throw new InvalidSignInputError({
      field: "nonce",
      problem: "must be unpadded base64url of at least 16 bytes (22-128 characters)",
      fix: "Omit it to get a fresh random nonce.",
    });
  }
  return { timestamp: String(timestamp), nonce };
}

/** The four headers from their parts; shared with @promptreg/signing's synchronous signer. */
export function signatureHeaders(options: {
  keyId: string;
  timestamp: string;
  nonce: string;
  signatureHex: string;
}): SignatureHeaders {
  return {
    [SIGNATURE_HEADERS.key]: options.keyId,
    [SIGNATURE_HEADERS.timestamp]: options.timestamp,
    [SIGNATURE_HEADERS.nonce]: options.nonce,
    [SIGNATURE_HEADERS.signature]: `v1=${options.signatureHex}`,
  };
}

/**
 * Produces the four X-Promptreg-* headers for one request, with Web Crypto (`crypto.subtle`), so it runs on Node,
 * Bun, Deno, browsers and edge runtimes. Each call needs its own nonce: never reuse headers. Throws
 * `InvalidSignInputError` for an option it cannot sign and `WebCryptoUnavailableError` without Web Crypto.
 */
export async function signRequest(options: SignRequestOptions): Promise<SignatureHeaders> {
  const { timestamp, nonce } = checkSignInput(options);
  const stringToSign = buildStringToSign({
    method: options.method,
    pathAndQuery: options.pathAndQuery,
    timestamp,
    nonce,
    bodyHash: await hashBody(options.body),
  });
  const signatureHex = await computeSignature(options.secret, stringToSign);
  return signatureHeaders({ keyId: options.keyId, timestamp, nonce, signatureHex });
}
