export type { BodyInput } from "./canonical.js";
export { bodyBytes, buildStringToSign, computeSignature, hashBody, matchSignature } from "./canonical.js";
export { InvalidSignInputError } from "./errors/invalid-sign-input-error.js";
export { SigningError } from "./errors/signing-error.js";
export { SIGNING_ERROR_CODES, type SigningErrorCode } from "./errors/signing-error-codes.js";
export { WebCryptoUnavailableError } from "./errors/web-crypto-unavailable-error.js";
export type { SignatureHeaders } from "./headers.js";
export {
  KEY_ID_PATTERN,
  METHOD_PATTERN,
  NONCE_PATTERN,
  SIGNATURE_HEADERS,
  SIGNATURE_PATTERN,
  TIMESTAMP_PATTERN,
  WEBHOOK_HEADERS,
} from "./headers.js";
export type { SignRequestOptions } from "./sign-request.js";
export { checkSignInput, createNonce, signatureHeaders, signRequest } from "./sign-request.js";
export { checkWebCrypto } from "./web-crypto.js";
