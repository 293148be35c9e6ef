import type { NextFunction, Request, Response } from "express";
import { AuthenticationError } from "../errors/authentication-error.js";
import { RateLimitedError } from "../errors/rate-limited-error.js";
import { authenticate, type RequestVerifier } from "../logic/authenticate.js";
import type { CredentialSet } from "../logic/credentials.js";
import type { RateLimitStore } from "../logic/rate-limit-store.js";
import type { ServerMetrics } from "./metrics.js";
import { requestState } from "./request-state.js";

/** Verifies the signature over the raw body bytes, then charges the client's rate limit. */
export function authenticateRequest({
  verifier,
  credentials,
  metrics,
  rateLimits,
  anonymousRequestsPerMinute,
}: {
  verifier: RequestVerifier | undefined;
  credentials: CredentialSet;
  metrics: ServerMetrics;
  rateLimits: RateLimitStore;
  anonymousRequestsPerMinute: number;
}) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const state = requestState(res);
    const decision = await authenticate({
      input: { method: req.method, pathAndQuery: req.originalUrl, headers: req.headers, body: state.rawBody },
      verifier,
      credentials,
      anonymousRequestsPerMinute,
    });
    if (!decision.ok) {
      metrics.authFailures.inc({ reason: decision.reason });
      throw new AuthenticationError({
        reason: decision.reason,
        detail: decision.message,
        header: decision.header,
      });
    }
    state.client = decision.client;
    state.secretIndex = decision.secretIndex;
    const limit = await rateLimits.take(decision.client.keyId, {
      requestsPerMinute: decision.client.requestsPerMinute,
    });
    res.setHeader("RateLimit-Limit", String(decision.client.requestsPerMinute));
    res.setHeader("RateLimit-Remaining", String(limit.remaining));
    if (!limit.allowed) {
      throw new RateLimitedError({
        retryAfterSeconds: limit.retryAfterSeconds,
        limitPerMinute: decision.client.requestsPerMinute,
      });
    }
    next();
  };
}
