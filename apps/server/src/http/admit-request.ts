import type { PendingSignature } from "@promptreg/signing";
import type { NextFunction, Request, Response } from "express";
import { AuthenticationError } from "../errors/authentication-error.js";
import { RequestValidationError } from "../errors/request-validation-error.js";
import type { ServerError } from "../errors/server-error.js";
import { UnsupportedMediaTypeError } from "../errors/unsupported-media-type-error.js";
import {
  type Admission,
  admitRequest,
  authenticateHead,
  type RequestVerifier,
} from "../logic/authenticate.js";
import type { CredentialSet } from "../logic/credentials.js";
import type { RateLimitStore } from "../logic/rate-limit-store.js";
import { isJsonContentType } from "./content-type.js";
import type { ServerMetrics } from "./metrics.js";
import { checkDeclaredBody, declaresBody, readBody, takeBufferedBody } from "./read-body.js";
import { requestState } from "./request-state.js";

/** Methods whose /v1 routes take a JSON body; other methods' bodies are hashed for the signature, never parsed. */
const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

/**
 * Everything between the headers and the route, in the order that keeps unauthenticated work at zero:
 * declared size (413, unread) -> signature headers, timestamp, key (401, unread) -> content type (415) -> the body,
 * with its size limit and deadline (413 / 408) -> HMAC over it (401) -> replay check (401) -> rate limit (429) ->
 * nonce (401 / 429) -> JSON (400). The steps are framework-free (logic/authenticate.ts, read-body.ts); this
 * function only threads the request through them.
 */
export function admitRequests({
  verifier,
  credentials,
  metrics,
  rateLimits,
  anonymousRequestsPerMinute,
  bodyLimitBytes,
  bodyTimeoutMs,
  nonceCapacityOverride,
  routeBodyLimits,
}: {
  verifier: RequestVerifier | undefined;
  credentials: CredentialSet;
  metrics: ServerMetrics;
  rateLimits: RateLimitStore;
  anonymousRequestsPerMinute: number;
  bodyLimitBytes: number;
  bodyTimeoutMs: number;
  nonceCapacityOverride?: number;
  /** Body limits of particular routes (`"POST /v1/batches"`) that take more than one run's input. */
  routeBodyLimits?: Readonly<Record<string, number>> | undefined;
}) {
  /** Counts a signature failure by reason on its way out. */
  const counted = (error: ServerError): ServerError => {
    if (AuthenticationError.isInstance(error)) metrics.authFailures.inc({ reason: error.reason });
    return error;
  };
  /** The body is in: the signature over it, the stores, then the JSON for the route. */
  const admitBody = (
    req: Request,
    res: Response,
    next: NextFunction,
    pending: PendingSignature | undefined,
    rawBody: Buffer,
  ): void | Promise<void> => {
    requestState(res).rawBody = rawBody;
    const admission = admitRequest({
      pending,
      body: rawBody,
      verifier,
      credentials,
      rateLimits,
      anonymousRequestsPerMinute,
      nonceCapacityOverride,
    });
    if (admission instanceof Promise) return admission.then((settled) => admitted(req, res, next, settled));
    admitted(req, res, next, admission);
  };
  const admitted = (req: Request, res: Response, next: NextFunction, admission: Admission): void => {
    if (admission.client && admission.limit) {
      res.setHeader("RateLimit-Limit", String(admission.client.requestsPerMinute));
      res.setHeader("RateLimit-Remaining", String(admission.limit.remaining));
    }
    if (!admission.ok) throw counted(admission.error);
    const state = requestState(res);
    state.client = admission.client;
    state.secretIndex = admission.secretIndex;
    req.body = BODY_METHODS.has(req.method) ? parseJson(state.rawBody, req) : undefined;
    next();
  };
  // Synchronous from the headers to the route when the body is already buffered and the stores answer at once (the
  // memory defaults): each promise hop here was a measurable share of a request's CPU (issue 9 item 4). A step
  // that throws reaches the error handler as a rejection would.
  return (req: Request, res: Response, next: NextFunction): void | Promise<void> => {
    const state = requestState(res);
    const limitBytes = routeBodyLimits?.[`${req.method} ${req.path}`] ?? bodyLimitBytes;
    checkDeclaredBody(req, limitBytes);
    const head = authenticateHead({
      head: { method: req.method, pathAndQuery: req.originalUrl, headers: req.headers },
      verifier,
    });
    if (!head.ok) throw counted(head.error);
    if (
      BODY_METHODS.has(req.method) &&
      declaresBody(req) &&
      !isJsonContentType(req.headers["content-type"])
    ) {
      throw new UnsupportedMediaTypeError({ header: "Content-Type", value: req.headers["content-type"] });
    }
    const buffered = takeBufferedBody(req, limitBytes);
    if (buffered) return admitBody(req, res, next, head.pending, buffered);
    // node:http pushes a body that came in the same read as its headers just after the 'request' event: one
    // microtask later it is usually all there. Otherwise it is read as it arrives, and gets what is left of the
    // request's deadline, at most PROMPTREG_BODY_TIMEOUT_MS: a body still arriving when the request's time is up is
    // the sender's 408, never a 504.
    return Promise.resolve()
      .then(
        () =>
          takeBufferedBody(req, limitBytes) ??
          readBody(req, {
            limitBytes,
            deadlineMs: Math.max(0, Math.min(bodyTimeoutMs, state.deadlineAt - Date.now())),
          }),
      )
      .then((rawBody) => admitBody(req, res, next, head.pending, rawBody));
  };
}

function parseJson(raw: Buffer, req: Request): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch (error) {
    throw new RequestValidationError({
      endpoint: `${req.method} ${req.path}`,
      code: "invalid_json",
      issues: [
        { path: [], code: "invalid_json", message: `body is not valid JSON (${(error as Error).message})` },
      ],
    });
  }
}
