import { randomBytes } from "node:crypto";
import {
  buildStringToSign,
  checkSignInput,
  type SignatureHeaders,
  type SignRequestOptions,
  signatureHeaders,
} from "@promptreg/signing-core";
import { computeSignature, hashBody } from "./canonical.js";

export type { SignRequestOptions } from "@promptreg/signing-core";

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

/**
 * Produces the four X-Promptreg-* headers for one request, synchronously on node:crypto: the server side's signer
 * (webhooks, the CLI, tests and benchmarks). Same options, checks and output as @promptreg/signing-core's Web Crypto
 * `signRequest`, which the client SDK uses. Each call needs its own nonce: never reuse headers.
 */
export function signRequest(options: SignRequestOptions): SignatureHeaders {
  const { timestamp, nonce } = checkSignInput({ ...options, nonce: options.nonce ?? createNonce() });
  const stringToSign = buildStringToSign({
    method: options.method,
    pathAndQuery: options.pathAndQuery,
    timestamp,
    nonce,
    bodyHash: hashBody(options.body),
  });
  const signatureHex = computeSignature(options.secret, stringToSign).toString("hex");
  return signatureHeaders({ keyId: options.keyId, timestamp, nonce, signatureHex });
}
