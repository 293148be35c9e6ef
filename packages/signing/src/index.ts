// The scheme's shared half (headers, string to sign, errors) lives in @promptreg/signing-core, which the client SDK
// installs without this package's key files, zod and yaml; re-exported so server code has one import.
export type { BodyInput, SignatureHeaders, SigningErrorCode } from "@promptreg/signing-core";
export {
  buildStringToSign,
  InvalidSignInputError,
  KEY_ID_PATTERN,
  NONCE_PATTERN,
  SIGNATURE_HEADERS,
  SIGNATURE_PATTERN,
  SIGNING_ERROR_CODES,
  SigningError,
  TIMESTAMP_PATTERN,
  WEBHOOK_HEADERS,
  WebCryptoUnavailableError,
} from "@promptreg/signing-core";
export { hashBody } from "./canonical.js";
export type {
  CheckSignatureHeadersOptions,
  CheckSignatureHeadersSyncOptions,
  HeadersInput,
  LookupSecrets,
  PendingSignature,
  VerifyFailure,
  VerifyFailureReason,
} from "./check-signature.js";
export {
  checkSignatureHeaders,
  checkSignatureHeadersSync,
  DEFAULT_WINDOW_SECONDS,
  VERIFY_FAILURE_REASONS,
} from "./check-signature.js";
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
export { InvalidVerifyOptionsError } from "./errors/invalid-verify-options-error.js";
export type {
  MemoryNonceStore,
  MemoryNonceStoreOptions,
  NonceStore,
  RememberNonceInput,
  RememberOutcome,
  SyncNonceStore,
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
