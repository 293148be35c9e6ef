export type { BodyInput } from "./canonical.js";
export { buildStringToSign, hashBody } from "./canonical.js";
export type {
  CheckSignatureHeadersOptions,
  HeadersInput,
  LookupSecrets,
  PendingSignature,
  VerifyFailure,
  VerifyFailureReason,
} from "./check-signature.js";
export { checkSignatureHeaders, DEFAULT_WINDOW_SECONDS, VERIFY_FAILURE_REASONS } from "./check-signature.js";
export type {
  ClientCredential,
  ClientKeySet,
  ParseClientKeysOptions,
  RedactedClientCredential,
} from "./client-keys.js";
export {
  DIMENSION_LIMITS,
  DIMENSION_NAME_PATTERN,
  DIMENSION_UNSET_VALUE,
  DIMENSION_VALUE_PATTERN,
  parseClientKeys,
} from "./client-keys.js";
export { DEV_CLIENT_FILE, devClientFilePath, findWorkspaceRoot } from "./dev-client-location.js";
export type { ClientKeysIssue } from "./errors/invalid-client-keys-error.js";
export { InvalidClientKeysError } from "./errors/invalid-client-keys-error.js";
export { InvalidSignInputError } from "./errors/invalid-sign-input-error.js";
export { InvalidVerifyOptionsError } from "./errors/invalid-verify-options-error.js";
export { SigningError } from "./errors/signing-error.js";
export { SIGNING_ERROR_CODES, type SigningErrorCode } from "./errors/signing-error-codes.js";
export type { SignatureHeaders } from "./headers.js";
export {
  KEY_ID_PATTERN,
  NONCE_PATTERN,
  SIGNATURE_HEADERS,
  SIGNATURE_PATTERN,
  TIMESTAMP_PATTERN,
  WEBHOOK_HEADERS,
} from "./headers.js";
export type {
  MemoryNonceStore,
  MemoryNonceStoreOptions,
  NonceStore,
  RememberNonceInput,
  RememberOutcome,
} from "./nonce-store.js";
export {
  checkNonceCapacity,
  createMemoryNonceStore,
  DEFAULT_MAX_NONCE_KEY_IDS,
  DEFAULT_NONCE_CAPACITY,
} from "./nonce-store.js";
export { redact } from "./redact.js";
export type { SignRequestOptions } from "./sign-request.js";
export { createNonce, signRequest } from "./sign-request.js";
export type { VerifyRequestOptions, VerifyResult } from "./verify-request.js";
export { checkNonceTtl, DEFAULT_NONCE_TTL_SECONDS, nonceFailure, verifyRequest } from "./verify-request.js";
