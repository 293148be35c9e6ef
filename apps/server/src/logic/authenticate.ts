import {
  checkNonceTtl,
  checkSignatureHeadersSync,
  DEFAULT_NONCE_TTL_SECONDS,
  DEFAULT_WINDOW_SECONDS,
  type NonceStore,
  type PendingSignature,
  type RememberOutcome,
  type SyncNonceStore,
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
  /**
   * Headers present and well-formed, timestamp in the window (and after the service start), key known. Answered at
   * once: the service's client keys are in memory.
   */
  checkHead(
    head: RequestHead,
  ): PendingSignature | { ok: false; reason: AuthFailureReason; message: string; header?: string };
  /** Read-only: whether the nonce was already accepted (checked before the rate limit is charged). */
  seen(keyId: string, nonce: string): Promise<boolean>;
  /** Stores the nonce in the client's own bounded space. */
  remember(input: {
    keyId: string;
    nonce: string;
    capacity: number;
    signedAtSeconds: number;
  }): Promise<RememberOutcome>;
  /**
   * `seen` and `remember` answered at once, when the nonce store keeps its nonces in memory: with a rate-limit store
   * that does too, a signed request is admitted without a promise.
   */
  readonly sync?: {
    seen(keyId: string, nonce: string): boolean;
    remember(input: {
      keyId: string;
      nonce: string;
      capacity: number;
      signedAtSeconds: number;
    }): RememberOutcome;
  };
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

const NO_SIGNATURE: HeadDecision = Object.freeze({ ok: true, pending: undefined });

/** Step 1, before the body is read, synchronous. `verifier: undefined` means authentication is off. */
export function authenticateHead({
  head,
  verifier,
}: {
  head: RequestHead;
  verifier: RequestVerifier | undefined;
}): HeadDecision {
  if (!verifier) return NO_SIGNATURE;
  const pending = verifier.checkHead(head);
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
 *
 * Answered at once when the stores answer at once (the memory nonce and rate-limit stores, the zero-config default),
 * else through a promise (Redis): either way the same steps in the same order.
 */
export function admitRequest({
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
}): Admission | Promise<Admission> {
  if (!verifier || !pending) {
    const client = { ...ANONYMOUS_CLIENT, requestsPerMinute: anonymousRequestsPerMinute };
    if (rateLimits.sync) return chargedOrRefused(client, rateLimits.sync.take(client.keyId, client));
    return rateLimits.take(client.keyId, client).then((limit) => chargedOrRefused(client, limit));
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
  const signed: SignedRequest = {
    verifier,
    client,
    pending,
    secretIndex: signature.secretIndex,
    nonce: { keyId: pending.keyId, nonce: pending.nonce, capacity, signedAtSeconds: pending.timestamp },
  };
  if (verifier.admit) {
    return verifier
      .admit({ ...signed.nonce, requestsPerMinute: client.requestsPerMinute })
      .then((step) => admissionOf(signed, step));
  }
  if (verifier.sync && rateLimits.sync) {
    return admissionOf(signed, admitStepByStepSync(verifier.sync, rateLimits.sync, signed));
  }
  return admitStepByStep({ verifier, rateLimits, client, nonce: signed.nonce }).then((step) =>
    admissionOf(signed, step),
  );
}

/** A request whose signature verified, on its way through the replay check, the rate limit and the nonce store. */
interface SignedRequest {
  verifier: RequestVerifier;
  client: AuthenticatedClient;
  pending: PendingSignature;
  secretIndex: number;
  nonce: { keyId: string; nonce: string; capacity: number; signedAtSeconds: number };
}

/** What the three steps decided, as the request's admission. */
function admissionOf(
  { verifier, client, pending, secretIndex, nonce }: SignedRequest,
  step: SignedAdmissionStep,
): Admission {
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
      error: new NonceCapacityError({
        retryAfterSeconds: stored.retryAfterSeconds,
        capacity: nonce.capacity,
      }),
      client,
      limit,
    };
  }
  return { ok: true, client, limit, secretIndex };
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

/**
 * The three steps on stores that answer at once (memory), in the order `SignedAdmissionStore.admit` keeps;
 * `admitStepByStep` is the same on stores that answer through promises.
 */
function admitStepByStepSync(
  nonces: NonNullable<RequestVerifier["sync"]>,
  rateLimits: NonNullable<RateLimitStore["sync"]>,
  { client, nonce }: SignedRequest,
): SignedAdmissionStep {
  if (nonces.seen(nonce.keyId, nonce.nonce)) return REPLAYED;
  const limit = rateLimits.take(client.keyId, client);
  if (!limit.allowed) return { step: "rate_limited", limit };
  return { step: "charged", limit, stored: nonces.remember(nonce) };
}

const REPLAYED: SignedAdmissionStep = Object.freeze({ step: "replayed" });

/** The three steps on separate stores, one call each, in the order `SignedAdmissionStore.admit` keeps. */
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
    checkHead: (head) => {
      const result = checkSignatureHeadersSync({
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
    ...(nonceStore.sync ? { sync: syncNonces(nonceStore.sync, nonceTtlSeconds) } : {}),
    ...(admission ? { admit: (input) => admission.admit({ ...input, ttlSeconds: nonceTtlSeconds }) } : {}),
  };
}

/** The nonce store's synchronous calls with the verifier's nonce lifetime, as `RequestVerifier.sync`. */
function syncNonces(store: SyncNonceStore, ttlSeconds: number): NonNullable<RequestVerifier["sync"]> {
  return {
    seen: (keyId, nonce) => store.seen(keyId, nonce),
    remember: ({ keyId, nonce, capacity, signedAtSeconds }) =>
      store.remember({ keyId, nonce, ttlSeconds, capacity, signedAtSeconds }),
  };
}
