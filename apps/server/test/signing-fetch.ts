import { signRequest } from "@promptreg/signing";

/**
 * A `fetch` for the official OpenAI SDK (its `fetch` option) that signs every request with a promptreg client
 * credential. This is the snippet docs/api.md shows for the facade.
 */
export function createSigningFetch({ keyId, secret }: { keyId: string; secret: string }): typeof fetch {
  return async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init.method ?? "GET").toUpperCase();
    const body = typeof init.body === "string" ? init.body : "";
    const headers = new Headers(init.headers);
    headers.delete("authorization");
    for (const [name, value] of Object.entries(
      signRequest({ keyId, secret, method, pathAndQuery: url.pathname + url.search, body }),
    )) {
      headers.set(name, value);
    }
    return fetch(url, { ...init, headers });
  };
}
