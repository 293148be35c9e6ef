import { SigningError } from "./signing-error.js";

/**
 * The runtime has no Web Crypto (`globalThis.crypto.subtle` / `crypto.getRandomValues`): Node before 19 without
 * `--experimental-global-webcrypto`, or a page served over plain HTTP, where browsers hide `crypto.subtle`.
 */
export class WebCryptoUnavailableError extends SigningError {
  static override readonly brand: symbol = Symbol.for("promptreg.signing.WebCryptoUnavailableError");
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
}
