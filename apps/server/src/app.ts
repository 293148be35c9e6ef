import type { BatchStore } from "@promptreg/batches";
import type { GatewayPort } from "@promptreg/runtime";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import { DEFAULT_BODY_TIMEOUT_MS, type ServerConfig } from "./config.js";
import { admitRequests } from "./http/admit-request.js";
import { checkPath } from "./http/check-path.js";
import { errorHandler, notFound } from "./http/error-handler.js";
import { type FrontHandler, serveHotRoutesFirst } from "./http/hot-routes.js";
import { createLogger, type Logger } from "./http/logger.js";
import { createServerMetrics, createUsageMetrics, type ServerMetrics } from "./http/metrics.js";
import { packageErrorMappers } from "./http/package-errors.js";
import { requestContext } from "./http/request-context.js";
import { setSecurityHeaders } from "./http/security-headers.js";
import { createErrorConverter, type ErrorMapper } from "./http/to-server-error.js";
import type { RequestVerifier } from "./logic/authenticate.js";
import type { CredentialSet } from "./logic/credentials.js";
import { createMemoryRateLimitStore, type RateLimitStore } from "./logic/rate-limit-store.js";
import type { BatchQueueHealth } from "./logic/readiness.js";
import type { RegistryHolder } from "./logic/registry-holder.js";
import { createRingStatsStore, type StatsStore } from "./logic/stats-store.js";
import { createTemplateTypesCache } from "./logic/template-types-cache.js";
import type { RedisHealth } from "./redis/redis-connection.js";
import { batchesRouter } from "./routes/batches.js";
import { bundleRouter } from "./routes/bundle.js";
import { facadeRouter } from "./routes/facade.js";
import { createLifecycle, type Lifecycle, operationsRouter, statsRouter } from "./routes/operations.js";
import { addRenderRunRoutes, type HotRouteHandler } from "./routes/render-run.js";
import { templatesRouter } from "./routes/templates.js";
import { typesRouter } from "./routes/types.js";

export type AppConfig = Pick<
  ServerConfig,
  "bodyLimitBytes" | "requestTimeoutMs" | "rateLimitPerMinute" | "outputRepairAttempts" | "statsCapacity"
> &
  Partial<Pick<ServerConfig, "logBodies" | "bodyTimeoutMs" | "nonceCapacityPerClient" | "gatewayDeadlineMs">>;

export interface AppDeps {
  config: AppConfig;
  registry: RegistryHolder;
  credentials: CredentialSet;
  /** `undefined` = authentication off (development only; config refuses it in production). */
  verifier: RequestVerifier | undefined;
  logger?: Logger;
  metrics?: ServerMetrics;
  stats?: StatsStore;
  rateLimits?: RateLimitStore;
  /** Set when nonces, limits and stats live on Redis: /readyz checks it. */
  sharedState?: { check(): Promise<RedisHealth> };
  /** Set when batches are enabled: /readyz checks that their Redis never evicts (maxmemory-policy noeviction). */
  batchQueue?: { ready(): Promise<BatchQueueHealth> } | undefined;
  lifecycle?: Lifecycle;
  /** The gateway client; `undefined` until one is configured (run answers 503, /readyz is not ready). */
  gateway?: GatewayPort | (() => GatewayPort | undefined);
  /**
   * POST routes by exact path, added after the built-in ones and served like /v1/render and /v1/run: behind the same
   * front (request context, security headers, body limit, signature check, rate limit, JSON parsing), on the hot path
   * (http/hot-routes.ts) and through Express. The benchmark's same-stack baseline uses this.
   */
  extraHotRoutes?: ReadonlyMap<string, HotRouteHandler>;
  /** The batch store (REDIS_URL set); without it the batch endpoints answer 501 `batches_not_configured`. */
  batches?: BatchStore | undefined;
  /** Body limit of POST /v1/batches (PROMPTREG_BATCH_BODY_LIMIT_BYTES); default the general body limit. */
  batchBodyLimitBytes?: number | undefined;
  /** Extra converters for errors of other packages; the registry, renderer and gateway ones are built in. */
  errorMappers?: ErrorMapper[];
  now?: () => number;
}

/** Builds the Express app without listening, so tests drive it on port 0 and main.ts owns the process. */
export function createApp(deps: AppDeps): Express {
  const logger = deps.logger ?? createLogger();
  const metrics = deps.metrics ?? createServerMetrics();
  const stats = deps.stats ?? createRingStatsStore({ capacity: deps.config.statsCapacity });
  const rateLimits = deps.rateLimits ?? createMemoryRateLimitStore();
  const lifecycle = deps.lifecycle ?? createLifecycle();
  const now = deps.now ?? Date.now;
  const gateway =
    typeof deps.gateway === "function" ? deps.gateway : () => deps.gateway as GatewayPort | undefined;
  const errorMappers = [...packageErrorMappers, ...(deps.errorMappers ?? [])];
  const runOptions = {
    registry: deps.registry,
    gateway,
    repairAttempts: deps.config.outputRepairAttempts,
    gatewayDeadlineMs: deps.config.gatewayDeadlineMs,
    errorMappers,
    lifecycle,
    dimensionNames: deps.credentials.dimensionNames,
    onRepair: ({ templateId, outcome }: { templateId: string; outcome: "attempt" | "exhausted" }) =>
      metrics.outputRepairs.inc({ template: templateId, outcome }),
  };

  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  const startRequest = requestContext({
    logger,
    metrics,
    usage: createUsageMetrics({
      register: metrics.register,
      dimensionNames: deps.credentials.dimensionNames,
    }),
    stats,
    timeoutMs: deps.config.requestTimeoutMs,
    logBodies: deps.config.logBodies,
    now,
  });
  const operations = operationsRouter({
    registry: deps.registry,
    gatewayConfigured: () => gateway() !== undefined,
    sharedState: deps.sharedState,
    batchQueue: deps.batchQueue,
    metrics,
    lifecycle,
  });
  // The signature headers are checked before the body is read, and the raw bytes are verified before JSON is
  // parsed; requests outside /v1 never have their body read at all. Not mounted with app.use("/v1", ...): a mount
  // path makes Express rewrite req.url for the middleware and restore it after (parsing the URL again on every later
  // layer), and it showed the endpoint without its /v1 in body errors ("Invalid request body for POST /render").
  const admit = admitRequests({
    verifier: deps.verifier,
    credentials: deps.credentials,
    metrics,
    rateLimits,
    anonymousRequestsPerMinute: deps.config.rateLimitPerMinute,
    bodyLimitBytes: deps.config.bodyLimitBytes,
    bodyTimeoutMs: deps.config.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS,
    nonceCapacityOverride: deps.config.nonceCapacityPerClient,
    routeBodyLimits: deps.batchBodyLimitBytes ? { "POST /v1/batches": deps.batchBodyLimitBytes } : undefined,
  });
  // Everything in front of the routes is one function, the steps called in order as plain functions: Express
  // dispatches every app.use layer through its router (path match, try/catch, a check of the returned promise), and
  // the six layers this used to be were a measurable share of a request's CPU (issue 9 item 4). A step that throws
  // (checkPath) or rejects (admit) reaches the error handler exactly as its own layer did. It takes Node's request
  // and response and the path, so the hot routes (below) run it without Express.
  const front: FrontHandler = (req, res, next, path) => {
    startRequest(req, res, path);
    checkPath(path);
    setSecurityHeaders(res);
    // While draining, answer but ask keep-alive clients to reconnect (to a replica that is not shutting down).
    if (lifecycle.draining) res.setHeader("Connection", "close");
    // The unsigned operations routes (/healthz, /readyz, /metrics, /openapi.json) are all outside /v1: a /v1 request
    // skips their router instead of being matched against each of its routes.
    if (isV1Path(path)) return admit(req, res, next, path);
    // The operations routes are Express's (they answer with res.json and friends): only ever reached through it.
    operations(req as Request, res as Response, next as NextFunction);
  };
  app.use((req, res, next) => front(req, res, next, req.path));
  // Every router is tried in turn until one matches, so the hot POST routes go first; no two routers share a
  // method and path, so the order changes nothing else.
  const hotRoutes = addRenderRunRoutes(app, runOptions);
  app.use(facadeRouter(runOptions));
  app.use(templatesRouter({ registry: deps.registry }));
  app.use(bundleRouter({ registry: deps.registry }));
  app.use(typesRouter({ registry: deps.registry, cache: createTemplateTypesCache() }));
  app.use(statsRouter({ stats, now }));
  app.use(
    batchesRouter({
      batches: deps.batches,
      registry: deps.registry,
      errorMappers,
      dimensionNames: deps.credentials.dimensionNames,
    }),
  );
  for (const [path, handler] of deps.extraHotRoutes ?? []) app.post(path, handler);
  app.use(notFound);
  const answerError = errorHandler({ convert: createErrorConverter(errorMappers), logger });
  app.use(answerError);
  // Exact POST /v1/render and /v1/run skip Express's dispatch, through the same front, handlers and error handler.
  serveHotRoutesFirst(app, {
    routes: new Map([...hotRoutes, ...(deps.extraHotRoutes ?? [])]),
    front,
    answerError,
  });
  return app;
}

/**
 * What `app.use("/v1", ...)` matched: /v1 itself and everything under /v1/ (not /v1foo), in any letter case, as
 * Express routes match case-insensitively: /V1/render reaches the render route, so it must be admitted like /v1/render.
 */
function isV1Path(path: string): boolean {
  return (
    path.length >= 3 &&
    path[0] === "/" &&
    (path[1] === "v" || path[1] === "V") &&
    path[2] === "1" &&
    (path.length === 3 || path[3] === "/")
  );
}
