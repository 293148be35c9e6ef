import { hasBrand } from "@promptreg/core";
import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

const marker = Symbol.for("promptreg.client.AuthenticationError");

/** 401: the request signature was refused; `code` is the reason (missing_headers, unknown_key, stale_timestamp, replayed_nonce, signature_mismatch). */
export class AuthenticationError extends PromptregError {
  readonly [marker] = true;

  constructor(options: PromptregErrorOptions) {
    super(options);
    this.name = "AuthenticationError";
  }

  static override isInstance(value: unknown): value is AuthenticationError {
    return hasBrand(value, marker);
  }
}
