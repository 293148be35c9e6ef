import { type NonceStore, verifyRequest } from "@promptreg/signing";
import type { AuthFailureReason } from "../errors/authentication-error.js";
import type { AuthenticatedClient, CredentialSet } from "./credentials.js";

export interface VerifyInput {
  method: string;
  /** Exactly as received on the request line. */
  pathAndQuery: string;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body bytes, before any JSON parsing. */
  body: Buffer;
}

export type VerifyOutcome =
  | {
      ok: true;
      keyId: string;
      /** Which of the key's secrets matched (0 = the first, newest); logged so operators can finish a rotation. */
      secretIndex?: number;
    }
  | { ok: false; reason: AuthFailureReason; message?: string; header?: string };

/** Checks a request's signature (production: `verifyRequest` from `@promptreg/signing`). */
export type RequestVerifier = (input: VerifyInput) => Promise<VerifyOutcome>;

export type AuthDecision =
  | { ok: true; client: AuthenticatedClient; secretIndex?: number }
  | { ok: false; reason: AuthFailureReason; message?: string; header?: string };

/** The client a request acts for when PROMPTREG_AUTH=off (development only). */
export const ANONYMOUS_CLIENT: AuthenticatedClient = {
  keyId: "anonymous",
  requestsPerMinute: 600,
  allowsTemplate: () => true,
};

/**
 * Decides who a request comes from. Framework-free: the Express middleware only collects the inputs.
 * `verifier: undefined` means authentication is off.
 */
export async function authenticate({
  input,
  verifier,
  credentials,
  anonymousRequestsPerMinute,
}: {
  input: VerifyInput;
  verifier: RequestVerifier | undefined;
  credentials: CredentialSet;
  anonymousRequestsPerMinute: number;
}): Promise<AuthDecision> {
  if (!verifier)
    return { ok: true, client: { ...ANONYMOUS_CLIENT, requestsPerMinute: anonymousRequestsPerMinute } };
  const outcome = await verifier(input);
  if (!outcome.ok) return outcome;
  const client = credentials.client(outcome.keyId);
  // The verifier found secrets for this key, so the credential exists; a concurrent key removal is the only way here.
  if (!client) return { ok: false, reason: "unknown_key" };
  return { ok: true, client, secretIndex: outcome.secretIndex };
}

/** The production verifier: the signing package's `verifyRequest` over this service's credentials and nonces. */
export function createSignatureVerifier({
  credentials,
  nonceStore,
  windowSeconds,
  now,
}: {
  credentials: CredentialSet;
  nonceStore: NonceStore;
  windowSeconds?: number;
  now?: () => number;
}): RequestVerifier {
  return async (input) => {
    const result = await verifyRequest({
      method: input.method,
      pathAndQuery: input.pathAndQuery,
      headers: input.headers,
      body: input.body,
      lookupSecrets: (keyId) => credentials.lookupSecrets(keyId),
      nonceStore,
      windowSeconds,
      nonceTtlSeconds: windowSeconds === undefined ? undefined : Math.max(600, windowSeconds * 2),
      now,
    });
    if (result.ok) return { ok: true, keyId: result.keyId, secretIndex: result.secretIndex };
    return { ok: false, reason: result.reason, message: result.message, header: result.header };
  };
}
