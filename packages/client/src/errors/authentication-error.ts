import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

/** 401: the request signature was refused; `code` is the reason (missing_headers, unknown_key, stale_timestamp, replayed_nonce, signature_mismatch). */
export class AuthenticationError extends PromptregError {
  static override readonly brand: symbol = Symbol.for("promptreg.client.AuthenticationError");

  constructor(options: PromptregErrorOptions) {
    super(options);
    this.name = "AuthenticationError";
  }
}
