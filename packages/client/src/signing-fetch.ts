import { checkSignInput, checkWebCrypto, signRequest } from "@promptreg/signing-core";
import { InvalidClientOptionsError } from "./errors/invalid-client-options-error.js";

export interface SigningFetchOptions {
  /** The client key id issued by the promptreg operator. */
  keyId: string;
  /** Its signing secret (never logged; only used to compute the HMAC). */
  secret: string;
  /** The fetch that really sends the request; defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

const BODYLESS_METHODS = new Set(["GET", "HEAD"]);

function invalid(option: string, problem: string, fix: string): InvalidClientOptionsError {
  return new InvalidClientOptionsError({
    type: "invalid_client_options",
    code: "invalid_client_options",
    message: `createSigningFetch: option "${option}" ${problem}. ${fix}`,
    details: { option },
  });
}

/**
 * A `fetch`-compatible function that signs every request with a promptreg client credential, for SDKs that take a
 * custom fetch, above all the official `openai` SDK talking to the service's OpenAI-compatible facade:
 * `new OpenAI({ baseURL: `${url}/v1`, apiKey: "unused", fetch: createSigningFetch({ keyId, secret }) })`.
 *
 * The request is first normalised through `new Request(input, init)`, so the signed method, path and query are the
 * ones fetch really sends, and any body (string, bytes, FormData, stream) is read once into the exact bytes that are
 * both hashed and sent. The `Authorization` header is dropped: the SDK's placeholder API key means nothing to the
 * service and should not travel.
 */
export function createSigningFetch(options: SigningFetchOptions): typeof fetch {
  if (typeof options !== "object" || options === null) {
    throw invalid("options", "is missing", "Call createSigningFetch({ keyId, secret }).");
  }
  const { keyId, secret } = options;
  checkWebCrypto();
  try {
    // Reports a malformed key id or empty secret now instead of on the first request.
    checkSignInput({ keyId, secret, method: "GET", pathAndQuery: "/" });
  } catch (error) {
    const field = (error as { field?: string }).field ?? "keyId";
    throw invalid(
      field,
      field === "secret" ? "is empty" : "is not a valid key id (1-128 characters of A-Z a-z 0-9 . _ ~ -)",
      "Pass the key id and secret your promptreg operator issued (locally: .promptreg/dev-client.json).",
    );
  }
  const send = options.fetch ?? globalThis.fetch;
  if (typeof send !== "function") {
    throw invalid("fetch", "is not a function and no global fetch exists", "Use Node 20+ or pass a fetch.");
  }

  return async (input, init) => {
    const request = new Request(input, init);
    const method = request.method.toUpperCase();
    const bytes = request.body === null ? new Uint8Array(0) : new Uint8Array(await request.arrayBuffer());
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.delete("authorization");
    const signed = await signRequest({
      keyId,
      secret,
      method,
      pathAndQuery: url.pathname + url.search,
      body: bytes,
    });
    for (const [name, value] of Object.entries(signed)) headers.set(name, value);
    const body = BODYLESS_METHODS.has(method) && bytes.byteLength === 0 ? undefined : bytes;
    return send(request.url, {
      // Keeps runtime-specific extras the caller passed (e.g. undici's `dispatcher`).
      ...init,
      method,
      headers,
      body,
      signal: request.signal,
      redirect: request.redirect,
    });
  };
}
