import { hasBrand } from "@promptreg/core";
import { SigningError } from "./signing-error.js";

const marker = Symbol.for("promptreg.signing.WebCryptoUnavailableError");

/**
 * The runtime has no Web Crypto (`globalThis.crypto.subtle` / `crypto.getRandomValues`): Node before 19 without
 * `--experimental-global-webcrypto`, or a page served over plain HTTP, where browsers hide `crypto.subtle`.
 */
export class WebCryptoUnavailableError extends SigningError {
  readonly [marker] = true;
  /** The missing global, e.g. "crypto.subtle". */
  readonly missing: string;

  constructor(options: { missing: string }) {
    super({
      code: "web_crypto_unavailable",
      message: `Request signing needs Web Crypto, but globalThis.${options.missing} is not available in this runtime. Use Node >= 20, Bun, Deno or an edge runtime; in a browser, serve the page over HTTPS (crypto.subtle exists only in secure contexts).`,
    });
    this.name = "WebCryptoUnavailableError";
    this.missing = options.missing;
  }

  static override isInstance(value: unknown): value is WebCryptoUnavailableError {
    return hasBrand(value, marker);
  }
}
