/** Every `code` a `SigningError` can carry: one closed map, so callers narrow on `error.code`. */
export const SIGNING_ERROR_CODES = {
  /** `InvalidClientKeysError`: a client key list (env, JSON or YAML) that cannot be used. */
  invalid_client_keys: "invalid_client_keys",
  /** `InvalidSignInputError`: `signRequest` got an option it cannot sign. */
  invalid_sign_input: "invalid_sign_input",
  /** `InvalidVerifyOptionsError`: `verifyRequest` got an option it cannot use. */
  invalid_verify_options: "invalid_verify_options",
} as const;

export type SigningErrorCode = keyof typeof SIGNING_ERROR_CODES;
