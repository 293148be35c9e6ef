import {
  checkNonceTtl,
  checkSignatureHeaders,
  DEFAULT_NONCE_TTL_SECONDS,
  DEFAULT_WINDOW_SECONDS,
  type NonceStore,
  type PendingSignature,
  type RememberOutcome,
} from "@promptreg/signing";
import { AuthenticationError, type AuthFailureReason } from "../errors/authentication-error.js";
import { NonceCapacityError } from "../errors/nonce-capacity-error.js";
import { RateLimitedError } from "../errors/rate-limited-error.js";
import type { ServerError } from "../errors/server-error.js";
import type { AuthenticatedClient, CredentialSet } from "./credentials.js";
import type { RateLimitDecision, RateLimitStore } from "./rate-limit-store.js";
import type { SignedAdmissionInput, SignedAdmissionStep, SignedAdmissionStore } from "./signed-admission.js";

/** What is known of a request before its body is read. */
export interface RequestHead {
  method: string;
  /** Exactly as received on the request line. */
  pathAndQuery: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Checks request signatures in the order the service needs: the headers before the body is read, the HMAC over
 * the body after, and the nonce only once the rate limit is charged. Production: `createSignatureVerifier`.
 */
export interface RequestVerifier {
  /** Headers present and well-formed, timestamp in the window (and after the service start), key known. */
  checkHead(
    head: RequestHead,
  ): Promise<PendingSignature | { ok: false; reason: AuthFailureReason; message: string; header?: string }>;
  /** Read-only: whether the nonce was already accepted (checked before the rate limit is charged). */
  seen(keyId: string, nonce: string): Promise<boolean>;
  /** Stores the nonce in the client's own bounded space. */
  remember(input: {
    keyId: string;
    nonce: string;
    capacity: number;
    signedAtSeconds: number;
  }): Promise<RememberOutcome>;
  /** How long a nonce stays single-use; sizes each client's nonce space. */
  readonly nonceTtlSeconds: number;
  /**
   * Set when the nonce store also keeps the rate limits (Redis): `seen`, the rate limit and `remember` in one step
   * (one round trip). `admitRequest` then uses it instead of the three calls and the `rateLimits` store.
   */
  admit?: (input: Omit<SignedAdmissionInput, "ttlSeconds">) => Promise<SignedAdmissionStep>;
}

/** The client a request acts for when PROMPTREG_AUTH=off (development only). */
export const ANONYMOUS_CLIENT: AuthenticatedClient = {
  keyId: "anonymous",
  requestsPerMinute: 600,
  allowsTemplate: () => true,
};

export type HeadDecision =
  | { ok: true; pending: PendingSignature | undefined }
  | { ok: false; error: AuthenticationError };

/** Step 1, before the body is read. `verifier: undefined` means authentication is off. */
export async function authenticateHead({
  head,
  verifier,
}: {
  head: RequestHead;
  verifier: RequestVerifier | undefined;
}): Promise<HeadDecision> {
  if (!verifier) return { ok: true, pending: undefined };
  const pending = await verifier.checkHead(head);
  if (pending.ok) return { ok: true, pending };
  return {
    ok: false,
    error: new AuthenticationError({
      reason: pending.reason,
      detail: pending.message,
      header: pending.header,
    }),
  };
}

export type Admission =
  | { ok: true; client: AuthenticatedClient; secretIndex?: number; limit: RateLimitDecision }
  | {
      ok: false;
      error: ServerError;
      /** Set once the client is known (the rate-limit headers describe its budget). */
      client?: AuthenticatedClient;
      limit?: RateLimitDecision;
    };

/**
 * Live nonces a client may hold: what its rate limit lets it send within one nonce lifetime (a full bucket plus
 * the refill), so a client within its limit never finds its space full. `override` (an operator's hard cap) wins.
 */
export function nonceCapacityFor({
  requestsPerMinute,
  nonceTtlSeconds,
  override,
}: {
  requestsPerMinute: number;
  nonceTtlSeconds: number;
  override?: number;
}): number {
  return override ?? Math.ceil(requestsPerMinute * (1 + nonceTtlSeconds / 60));
}

/**
 * Step 2, once the body is read: the HMAC over the body, a read-only replay check, the rate limit, then the nonce
 * (the last three in one call when the verifier has `admit`). This order is the design: a forged signature never costs its key id's budget or burns a nonce; a replay of a
 * captured request is refused before it is charged; a request refused by the rate limit never stores its nonce
 * (resent after Retry-After it is accepted); and a nonce space fills only with requests the rate limit admitted.
 */
export async function admitRequest({
  pending,
  body,
  verifier,
  credentials,
  rateLimits,
  anonymousRequestsPerMinute,
  nonceCapacityOverride,
}: {
  pending: PendingSignature | undefined;
  body: Buffer;
  verifier: RequestVerifier | undefined;
  credentials: CredentialSet;
  rateLimits: RateLimitStore;
  anonymousRequestsPerMinute: number;
  nonceCapacityOverride?: number;
}): Promise<Admission> {
  if (!verifier || !pending) {
    const client = { ...ANONYMOUS_CLIENT, requestsPerMinute: anonymousRequestsPerMinute };
    return charge(client, rateLimits);
  }
  const signature = pending.verifyBody(body);
  if (!signature.ok) {
    return {
      ok: false,
      error: new AuthenticationError({
        reason: signature.reason as AuthFailureReason,
        detail: signature.message,
        header: signature.header,
      }),
    };
  }
  const client = credentials.client(pending.keyId);
  // The verifier found secrets for this key, so the credential exists; a concurrent key removal is the only way here.
  if (!client) return { ok: false, error: new AuthenticationError({ reason: "unknown_key" }) };
  const capacity = nonceCapacityFor({
    requestsPerMinute: client.requestsPerMinute,
    nonceTtlSeconds: verifier.nonceTtlSeconds,
    override: nonceCapacityOverride,
  });
  const nonce = { keyId: pending.keyId, nonce: pending.nonce, capacity, signedAtSeconds: pending.timestamp };
  const step: SignedAdmissionStep = verifier.admit
    ? await verifier.admit({ ...nonce, requestsPerMinute: client.requestsPerMinute })
    : await admitStepByStep({ verifier, rateLimits, client, nonce });
  if (step.step === "replayed") return replayed(verifier);
  if (step.step === "rate_limited") return chargedOrRefused(client, step.limit);
  const { limit, stored } = step;
  if (stored.outcome === "replayed") return { ...replayed(verifier), client, limit };
  if (stored.outcome === "signed_before_start") {
    return {
      ok: false,
      error: new AuthenticationError({
        reason: "stale_timestamp",
        detail: `X-Promptreg-Timestamp (${pending.timestamp}) is before the shared nonce memory (Redis) started (${stored.startedAtSeconds}); it restarted empty, so requests signed before then are refused: they could be replays. Sign the request again.`,
        header: "X-Promptreg-Timestamp",
      }),
      client,
      limit,
    };
  }
  if (stored.outcome === "full") {
    return {
      ok: false,
      error: new NonceCapacityError({ retryAfterSeconds: stored.retryAfterSeconds, capacity }),
      client,
      limit,
    };
  }
  return { ok: true, client, limit, secretIndex: signature.secretIndex };
}

function replayed(verifier: RequestVerifier): Admission {
  return {
    ok: false,
    error: new AuthenticationError({
      reason: "replayed_nonce",
      detail: `X-Promptreg-Nonce was already used within the last ${verifier.nonceTtlSeconds}s. Use a fresh random nonce for every request, including retries.`,
      header: "X-Promptreg-Nonce",
    }),
  };
}

async function charge(client: AuthenticatedClient, rateLimits: RateLimitStore): Promise<Admission> {
  const limit = await rateLimits.take(client.keyId, { requestsPerMinute: client.requestsPerMinute });
  return chargedOrRefused(client, limit);
}

function chargedOrRefused(client: AuthenticatedClient, limit: RateLimitDecision): Admission {
  if (limit.allowed) return { ok: true, client, limit };
  return {
    ok: false,
    error: new RateLimitedError({
      retryAfterSeconds: limit.retryAfterSeconds,
      limitPerMinute: client.requestsPerMinute,
    }),
    client,
    limit,
  };
}

/** The three steps on separate stores (memory), one call each, in the order `SignedAdmissionStore.admit` keeps. */
async function admitStepByStep({
  verifier,
  rateLimits,
  client,
  nonce,
}: {
  verifier: RequestVerifier;
  rateLimits: RateLimitStore;
  client: AuthenticatedClient;
  nonce: { keyId: string; nonce: string; capacity: number; signedAtSeconds: number };
}): Promise<SignedAdmissionStep> {
  if (await verifier.seen(nonce.keyId, nonce.nonce)) return { step: "replayed" };
  const limit = await rateLimits.take(client.keyId, { requestsPerMinute: client.requestsPerMinute });
  if (!limit.allowed) return { step: "rate_limited", limit };
  return { step: "charged", limit, stored: await verifier.remember(nonce) };
}

/**
 * The production verifier: the signing package's header checks over this service's credentials, and its nonce
 * store. `notBeforeSeconds` is the service's start when the store forgets on restart (the memory store): requests
 * signed before it are refused, so a captured request cannot be replayed after a restart. `admission` is the
 * nonce store when it also keeps the rate limits (Redis): the service must then charge no other rate-limit store.
 */
export function createSignatureVerifier({
  credentials,
  nonceStore,
  admission,
  windowSeconds = DEFAULT_WINDOW_SECONDS,
  notBeforeSeconds,
  now,
}: {
  credentials: CredentialSet;
  nonceStore: NonceStore;
  admission?: SignedAdmissionStore;
  windowSeconds?: number;
  notBeforeSeconds?: number;
  now?: () => number;
}): RequestVerifier {
  const nonceTtlSeconds = Math.max(DEFAULT_NONCE_TTL_SECONDS, windowSeconds * 2);
  checkNonceTtl(windowSeconds, nonceTtlSeconds);
  const lookupSecrets = (keyId: string) => credentials.lookupSecrets(keyId);
  return {
    nonceTtlSeconds,
    checkHead: async (head) => {
      const result = await checkSignatureHeaders({
        ...head,
        lookupSecrets,
        windowSeconds,
        notBeforeSeconds,
        now,
      });
      if (result.ok) return result;
      return {
        ok: false,
        reason: result.reason as AuthFailureReason,
        message: result.message,
        header: result.header,
      };
    },
    seen: (keyId, nonce) => nonceStore.seen(keyId, nonce),
    remember: ({ keyId, nonce, capacity, signedAtSeconds }) =>
      nonceStore.remember({ keyId, nonce, ttlSeconds: nonceTtlSeconds, capacity, signedAtSeconds }),
    ...(admission ? { admit: (input) => admission.admit({ ...input, ttlSeconds: nonceTtlSeconds }) } : {}),
  };
}
