import express, { type Express, type Router } from "express";
import helmet from "helmet";
import type { ServerConfig } from "./config.js";
import { authenticateRequest } from "./http/authenticate-request.js";
import { errorHandler, notFound } from "./http/error-handler.js";
import { captureRawBody, jsonBody } from "./http/json-body.js";
import { createLogger, type Logger } from "./http/logger.js";
import { createServerMetrics, type ServerMetrics } from "./http/metrics.js";
import { packageErrorMappers } from "./http/package-errors.js";
import { requestContext } from "./http/request-context.js";
import { createErrorConverter, type ErrorMapper } from "./http/to-server-error.js";
import type { RequestVerifier } from "./logic/authenticate.js";
import type { CredentialSet } from "./logic/credentials.js";
import { createMemoryRateLimitStore, type RateLimitStore } from "./logic/rate-limit-store.js";
import type { RegistryHolder } from "./logic/registry-holder.js";
import type { GatewayPort } from "./logic/run-template.js";
import { createRingStatsStore, type StatsStore } from "./logic/stats-store.js";
import { facadeRouter } from "./routes/facade.js";
import { createLifecycle, type Lifecycle, operationsRouter, statsRouter } from "./routes/operations.js";
import { renderRunRouter } from "./routes/render-run.js";
import { templatesRouter } from "./routes/templates.js";

export type AppConfig = Pick<
  ServerConfig,
  "bodyLimitBytes" | "requestTimeoutMs" | "rateLimitPerMinute" | "outputRepairAttempts" | "statsCapacity"
> &
  Partial<Pick<ServerConfig, "logBodies">>;

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
  lifecycle?: Lifecycle;
  /** The gateway client; `undefined` until one is configured (run answers 503, /readyz is not ready). */
  gateway?: GatewayPort | (() => GatewayPort | undefined);
  /**
   * Routers mounted after the built-in ones, behind the same middleware (request context, helmet, body limit,
   * signature check, rate limit, JSON parsing). The benchmark's same-stack baseline uses this.
   */
  extraRouters?: Router[];
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
    requestTimeoutMs: deps.config.requestTimeoutMs,
    errorMappers,
    lifecycle,
    onRepair: ({ templateId, outcome }: { templateId: string; outcome: "attempt" | "exhausted" }) =>
      metrics.outputRepairs.inc({ template: templateId, outcome }),
  };

  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.use(
    requestContext({
      logger,
      metrics,
      stats,
      timeoutMs: deps.config.requestTimeoutMs,
      logBodies: deps.config.logBodies,
      now,
    }),
  );
  app.use(helmet());
  app.use((_req, res, next) => {
    // While draining, answer but ask keep-alive clients to reconnect (to a replica that is not shutting down).
    if (lifecycle.draining) res.setHeader("Connection", "close");
    next();
  });
  app.use(
    operationsRouter({
      registry: deps.registry,
      gatewayConfigured: () => gateway() !== undefined,
      metrics,
      lifecycle,
    }),
  );
  // Raw bytes first: the signature covers the body exactly as sent, so JSON is parsed only after verification.
  app.use(express.raw({ type: () => true, limit: deps.config.bodyLimitBytes }));
  app.use(captureRawBody);
  app.use(
    "/v1",
    authenticateRequest({
      verifier: deps.verifier,
      credentials: deps.credentials,
      metrics,
      rateLimits,
      anonymousRequestsPerMinute: deps.config.rateLimitPerMinute,
    }),
  );
  app.use(jsonBody);
  app.use(templatesRouter({ registry: deps.registry }));
  app.use(statsRouter({ stats, now }));
  app.use(renderRunRouter(runOptions));
  app.use(facadeRouter(runOptions));
  for (const router of deps.extraRouters ?? []) app.use(router);
  app.use(notFound);
  app.use(errorHandler({ convert: createErrorConverter(errorMappers), logger }));
  return app;
}
