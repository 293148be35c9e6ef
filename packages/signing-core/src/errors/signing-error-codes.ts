/**
 * Every `code` a `SigningError` can carry: one closed map for @promptreg/signing-core and @promptreg/signing (which
 * re-exports it), so callers narrow on `error.code`.
 */
export const SIGNING_ERROR_CODES = {
  /** `InvalidClientKeysError` (@promptreg/signing): a client key list (env, JSON or YAML) that cannot be used. */
  invalid_client_keys: "invalid_client_keys",
  /** `InvalidSignInputError`: `signRequest` got an option it cannot sign. */
  invalid_sign_input: "invalid_sign_input",
  /** `InvalidVerifyOptionsError` (@promptreg/signing): `verifyRequest` got an option it cannot use. */
  invalid_verify_options: "invalid_verify_options",
  /** `WebCryptoUnavailableError`: the runtime has no `globalThis.crypto.subtle` to compute the HMAC with. */
  web_crypto_unavailable: "web_crypto_unavailable",
} as const;

export type SigningErrorCode = keyof typeof SIGNING_ERROR_CODES;
