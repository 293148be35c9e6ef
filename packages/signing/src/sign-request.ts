import { randomBytes } from "node:crypto";
import { type BodyInput, buildStringToSign, computeSignature, hashBody } from "./canonical.js";
import { InvalidSignInputError } from "./errors/invalid-sign-input-error.js";
import {
  KEY_ID_PATTERN,
  METHOD_PATTERN,
  NONCE_PATTERN,
  SIGNATURE_HEADERS,
  type SignatureHeaders,
} from "./headers.js";

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
// One randomBytes call per 256 nonces: a CSPRNG call costs about as much as the whole HMAC, and slicing a pooled
// buffer is still fresh, never-reused CSPRNG output.
const POOL_BYTES = NONCE_BYTES * 256;
let pool = Buffer.alloc(0);
let poolOffset = 0;

/** Creates a fresh nonce: 16 random bytes, unpadded base64url (22 characters). */
export function createNonce(): string {
  if (poolOffset + NONCE_BYTES > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const nonce = pool.subarray(poolOffset, poolOffset + NONCE_BYTES).toString("base64url");
  poolOffset += NONCE_BYTES;
  return nonce;
}

/** Produces the four X-Promptreg-* headers for one request. Each call needs its own nonce: never reuse headers. */
export function signRequest(options: SignRequestOptions): SignatureHeaders {
  const { keyId, secret, method, pathAndQuery, body } = options;
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
  const timestampText = String(timestamp);
  const stringToSign = buildStringToSign({
    method,
    pathAndQuery,
    timestamp: timestampText,
    nonce,
    bodyHash: hashBody(body),
  });
  const signature = computeSignature(secret, stringToSign).toString("hex");
  return {
    [SIGNATURE_HEADERS.key]: keyId,
    [SIGNATURE_HEADERS.timestamp]: timestampText,
    [SIGNATURE_HEADERS.nonce]: nonce,
    [SIGNATURE_HEADERS.signature]: `v1=${signature}`,
  };
}
