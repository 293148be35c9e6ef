import { type Request, type Response, Router } from "express";
import type { ServerMetrics } from "../http/metrics.js";
import { buildOpenApiDocument } from "../http/openapi.js";
import { requestState } from "../http/request-state.js";
import { computeStats } from "../logic/compute-stats.js";
import { type BatchQueueHealth, checkReadiness } from "../logic/readiness.js";
import type { RegistryHolder } from "../logic/registry-holder.js";
import type { StatsStore } from "../logic/stats-store.js";
import type { RedisHealth } from "../redis/redis-connection.js";

export interface Lifecycle {
  /** True once SIGTERM arrived: /readyz answers 503 so load balancers stop sending traffic. */
  draining: boolean;
  /**
   * Closers of the event streams in progress. When the drain timeout ends them, each sends a typed `error` event
   * (`shutting_down`) first, so a client never sees a silent clean end.
   */
  readonly openStreams: Set<() => void>;
}

export function createLifecycle(): Lifecycle {
  return { draining: false, openStreams: new Set() };
}

/** Liveness, readiness and Prometheus: unauthenticated, for the platform rather than client apps. */
export function operationsRouter({
  registry,
  gatewayConfigured,
  sharedState,
  batchQueue,
  metrics,
  lifecycle,
}: {
  registry: RegistryHolder;
  gatewayConfigured: () => boolean;
  /** Set when state is shared on Redis: reachable within the command timeout, or why not. */
  sharedState?: { check(): Promise<RedisHealth> };
  /** Set when batches are enabled: the batch queue's Redis is fit for BullMQ (maxmemory-policy noeviction). */
  batchQueue?: { ready(): Promise<BatchQueueHealth> };
  metrics: ServerMetrics;
  lifecycle: Lifecycle;
}): Router {
  const router = Router();
  router.get("/healthz", (_req: Request, res: Response) => {
    requestState(res).route = "/healthz";
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req: Request, res: Response) => {
    requestState(res).route = "/readyz";
    const { ready, body } = await checkReadiness({
      registry,
      gatewayConfigured,
      draining: () => lifecycle.draining,
      sharedState,
      batchQueue,
    });
    res.status(ready ? 200 : 503).json(body);
  });
  const openapi = buildOpenApiDocument();
  router.get("/openapi.json", (_req: Request, res: Response) => {
    requestState(res).route = "/openapi.json";
    res.json(openapi);
  });
  router.get("/metrics", async (_req: Request, res: Response) => {
    requestState(res).route = "/metrics";
    const body = await metrics.register.metrics();
    res.setHeader("Content-Type", metrics.register.contentType);
    res.send(body);
  });
  return router;
}

export function statsRouter({ stats, now = Date.now }: { stats: StatsStore; now?: () => number }): Router {
  const router = Router();
  router.get("/v1/stats", async (_req: Request, res: Response) => {
    requestState(res).route = "/v1/stats";
    const at = now();
    res.json(computeStats({ samples: await stats.since(at - 5 * 60_000), now: at }));
  });
  return router;
}
