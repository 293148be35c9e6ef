import type { IncomingMessage, ServerResponse } from "node:http";
import type { PendingSignature } from "@promptreg/signing";
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

/** What admission hands the route: Node's request with the parsed JSON body (Express's `req.body`). */
type AdmittedRequest = IncomingMessage & { body?: unknown; originalUrl?: string };
/** Called once the request is admitted (Express's `next`); errors are thrown or rejected, never passed to it. */
type Proceed = () => void;

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
    req: AdmittedRequest,
    res: ServerResponse,
    next: Proceed,
    path: string,
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
    if (admission instanceof Promise)
      return admission.then((settled) => admitted(req, res, next, path, settled));
    admitted(req, res, next, path, admission);
  };
  const admitted = (
    req: AdmittedRequest,
    res: ServerResponse,
    next: Proceed,
    path: string,
    admission: Admission,
  ): void => {
    if (admission.client && admission.limit) {
      res.setHeader("RateLimit-Limit", String(admission.client.requestsPerMinute));
      res.setHeader("RateLimit-Remaining", String(admission.limit.remaining));
    }
    if (!admission.ok) throw counted(admission.error);
    const state = requestState(res);
    state.client = admission.client;
    state.secretIndex = admission.secretIndex;
    req.body = BODY_METHODS.has(req.method as string) ? parseJson(state.rawBody, req, path) : undefined;
    next();
  };
  // Synchronous from the headers to the route when the body is already buffered and the stores answer at once (the
  // memory defaults): each promise hop here was a measurable share of a request's CPU (issue 9 item 4). A step
  // that throws reaches the error handler as a rejection would. `path` is the path without its query (Express's
  // `req.path`). The signature covers the path and query the client sent: Express's `req.originalUrl` (what `req.url`
  // was before a mount trimmed it), or `req.url` itself on the hot path, which Express never saw.
  return (req: AdmittedRequest, res: ServerResponse, next: Proceed, path: string): void | Promise<void> => {
    const state = requestState(res);
    const method = req.method as string;
    const limitBytes = routeBodyLimits?.[`${method} ${path}`] ?? bodyLimitBytes;
    checkDeclaredBody(req, limitBytes);
    const head = authenticateHead({
      head: { method, pathAndQuery: req.originalUrl ?? (req.url as string), headers: req.headers },
      verifier,
    });
    if (!head.ok) throw counted(head.error);
    if (BODY_METHODS.has(method) && declaresBody(req) && !isJsonContentType(req.headers["content-type"])) {
      throw new UnsupportedMediaTypeError({ header: "Content-Type", value: req.headers["content-type"] });
    }
    const buffered = takeBufferedBody(req, limitBytes);
    if (buffered) return admitBody(req, res, next, path, head.pending, buffered);
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
      .then((rawBody) => admitBody(req, res, next, path, head.pending, rawBody));
  };
}

function parseJson(raw: Buffer, req: IncomingMessage, path: string): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch (error) {
    throw new RequestValidationError({
      endpoint: `${req.method} ${path}`,
      code: "invalid_json",
      issues: [
        { path: [], code: "invalid_json", message: `body is not valid JSON (${(error as Error).message})` },
      ],
    });
  }
}
