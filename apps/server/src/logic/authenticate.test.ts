import { createMemoryNonceStore, type NonceStore, parseClientKeys, signRequest } from "@promptreg/signing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Admission, admitRequest, authenticateHead, createSignatureVerifier } from "./authenticate.js";
import { createCredentialSet } from "./credentials.js";
import { createMemoryRateLimitStore, type RateLimitStore } from "./rate-limit-store.js";

const SECRET = "admission-secret-0123456789abcdef";
const BODY = '{"ref":"support/greet","input":{}}';
const START_MS = 1_767_225_600_000;
const NONCES = ["AAECAwQFBgcICQoLDA0ODw", "EBESExQVFhcYGRobHB0eHw", "ICEiIyQlJicoKSorLC0uLw"];

/** The memory stores with their `sync` faces hidden: what a store on a network looks like to admission. */
function promisesOnly(nonces: NonceStore, limits: RateLimitStore): [NonceStore, RateLimitStore] {
  return [
    { seen: (keyId, nonce) => nonces.seen(keyId, nonce), remember: (input) => nonces.remember(input) },
    { take: (key, limit) => limits.take(key, limit) },
  ];
}

/** One service's admission over a fake clock: two requests a minute, room for two live nonces. */
function admission({ hideSync, now }: { hideSync: boolean; now: () => number }) {
  const credentials = createCredentialSet({
    keys: parseClientKeys(
      `clients:\n  - keyId: app\n    secrets: ["${SECRET}"]\n    rateLimit: { requestsPerMinute: 2 }\n`,
    ),
    defaultRequestsPerMinute: 2,
  });
  const memory: [NonceStore, RateLimitStore] = [
    createMemoryNonceStore({ now }),
    createMemoryRateLimitStore({ now }),
  ];
  const [nonceStore, rateLimits] = hideSync ? promisesOnly(...memory) : memory;
  const verifier = createSignatureVerifier({ credentials, nonceStore, now });
  return (request: { nonce: string; forged: boolean }): Admission | Promise<Admission> => {
    const headers = signRequest({
      keyId: "app",
      secret: request.forged ? "forged-secret-0123456789abcdef" : SECRET,
      method: "POST",
      pathAndQuery: "/v1/render",
      body: BODY,
      timestamp: Math.floor(now() / 1000),
      nonce: request.nonce,
    });
    const head = authenticateHead({
      head: { method: "POST", pathAndQuery: "/v1/render", headers },
      verifier,
    });
    if (!head.ok) throw head.error;
    return admitRequest({
      pending: head.pending,
      body: Buffer.from(BODY),
      verifier,
      credentials,
      rateLimits,
      anonymousRequestsPerMinute: 2,
      nonceCapacityOverride: 2,
    });
  };
}

/** What a client sees of an admission: accepted, or the error code, and the rate-limit headers' numbers. */
const seen = (admitted: Admission) => ({
  ok: admitted.ok,
  code: admitted.ok ? undefined : admitted.error.code,
  retryAfterSeconds: admitted.ok
    ? undefined
    : (admitted.error as { retryAfterSeconds?: number }).retryAfterSeconds,
  remaining: admitted.limit?.remaining,
});

describe("admitRequest over stores that answer at once and over stores that answer through promises", () => {
  it("answers the memory stores without a promise, and stores without `sync` through one", async () => {
    const t = START_MS;
    const request = { nonce: NONCES[0]!, forged: false };
    const fast = admission({ hideSync: false, now: () => t })(request);
    expect(fast).not.toBeInstanceOf(Promise);
    expect(fast).toMatchObject({ ok: true });
    const slow = admission({ hideSync: true, now: () => t })(request);
    expect(slow).toBeInstanceOf(Promise);
    expect(await slow).toMatchObject({ ok: true });
  });

  it("decides every request of any sequence the same way: replays, forgeries, rate limit and nonce capacity (property)", async () => {
    const step = fc.record({
      nonce: fc.constantFrom(...NONCES),
      forged: fc.boolean(),
      advanceMs: fc.constantFrom(0, 1_000, 30_000, 700_000),
    });
    // One sequence that reaches every decision, run first, so the coverage check below never depends on what the
    // random sequences happened to reach: two requests fill the minute, a third is rate limited, a replay, a forgery,
    // then a minute later a third live nonce exceeds the capacity of two.
    const [a, b, c] = NONCES as [string, string, string];
    const everyDecision = [
      { nonce: a, forged: false, advanceMs: 0 },
      { nonce: b, forged: false, advanceMs: 1_000 },
      { nonce: c, forged: false, advanceMs: 1_000 },
      { nonce: a, forged: false, advanceMs: 1_000 },
      { nonce: c, forged: true, advanceMs: 1_000 },
      { nonce: c, forged: false, advanceMs: 30_000 },
      { nonce: c, forged: false, advanceMs: 30_000 },
    ];
    const codes = new Set<string | undefined>();
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        let t = START_MS;
        const now = () => t;
        const fast = admission({ hideSync: false, now });
        const slow = admission({ hideSync: true, now });
        for (const { advanceMs, ...request } of steps) {
          t += advanceMs;
          const answered = fast(request);
          expect(answered).not.toBeInstanceOf(Promise);
          expect(seen(answered as Admission)).toEqual(seen(await slow(request)));
          codes.add(seen(answered as Admission).code);
        }
      }),
      { examples: [[everyDecision]] },
    );
    // The sequences reached every decision, so both paths were compared on each.
    expect(codes).toEqual(
      new Set([undefined, "signature_mismatch", "replayed_nonce", "rate_limited", "nonce_capacity_exceeded"]),
    );
  });
});
