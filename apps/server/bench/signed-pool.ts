import { signRequest } from "@promptreg/signing";

/**
 * Signed request headers made before a load slice, one fresh nonce each, so the load generator sends prepared bytes
 * instead of computing an HMAC and a nonce per request on the same 2 cores as the server it measures (the bare
 * baseline's requests cost nothing to make). The service still verifies every signature and stores every nonce.
 * `next()` hands them out in order; when the pool runs dry it signs on the spot and counts it in `late`.
 */
export interface SignedPool {
  next(): Record<string, string>;
  /** Requests signed during the slice because the pool ran out (a pool sized too small). */
  readonly late: number;
}

export function signedPool({
  keyId,
  secret,
  path,
  body,
  size,
}: {
  keyId: string;
  secret: string;
  path: string;
  body: string;
  size: number;
}): SignedPool {
  const sign = () => ({
    "content-type": "application/json",
    ...signRequest({ keyId, secret, method: "POST", pathAndQuery: path, body }),
  });
  const pool = Array.from({ length: size }, sign);
  let used = 0;
  let late = 0;
  return {
    next() {
      const headers = pool[used++];
      if (headers) return headers;
      late++;
      return sign();
    },
    get late() {
      return late;
    },
  };
}
