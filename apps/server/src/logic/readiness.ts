import type { RedisHealth } from "../redis/redis-connection.js";
import type { RegistryHolder } from "./registry-holder.js";

/** Whether the batch queue's Redis is fit for BullMQ; `code` names the problem (`redis_eviction_policy`). */
export type BatchQueueHealth = { ok: true } | { ok: false; code: string; reason: string };

/** What readiness looks at; the service and `pnpm worker` pass what they have. */
export interface ReadinessSources {
  registry: Pick<RegistryHolder, "current">;
  gatewayConfigured: () => boolean;
  /** True once SIGTERM arrived: not ready, so load balancers stop sending traffic. */
  draining: () => boolean;
  /** Set when state is shared on Redis: reachable within the command timeout, or why not. */
  sharedState?: { check(): Promise<RedisHealth> } | undefined;
  /** Set when batches are enabled: the batch queue's Redis is fit for BullMQ (maxmemory-policy noeviction). */
  batchQueue?: { ready(): Promise<BatchQueueHealth> } | undefined;
}

export interface Readiness {
  ready: boolean;
  /** The `/readyz` body. */
  body: {
    status: "ready" | "not_ready";
    checks: Record<string, string>;
    reasons?: Record<string, string>;
    templates: { versions: number; loadedAt: string } | null;
  };
}

/** Ready when the registry is loaded, a gateway is configured, not draining, and Redis and the queue are fit. */
export async function checkReadiness(sources: ReadinessSources): Promise<Readiness> {
  const loaded = sources.registry.current();
  const [redis, queue] = await Promise.all([sources.sharedState?.check(), sources.batchQueue?.ready()]);
  const gateway = sources.gatewayConfigured();
  const draining = sources.draining();
  const checks = {
    registry: loaded ? "ok" : "loading",
    gateway: gateway ? "ok" : "not_configured",
    lifecycle: draining ? "draining" : "ok",
    ...(redis ? { redis: redis.ok ? "ok" : "unreachable" } : {}),
    ...(queue ? { batches: queue.ok ? "ok" : queue.code } : {}),
  };
  const ready = loaded !== undefined && gateway && !draining && redis?.ok !== false && queue?.ok !== false;
  const reasons = {
    ...(redis && !redis.ok ? { redis: redis.reason } : {}),
    ...(queue && !queue.ok ? { batches: queue.reason } : {}),
  };
  return {
    ready,
    body: {
      status: ready ? "ready" : "not_ready",
      checks,
      ...(Object.keys(reasons).length > 0 ? { reasons } : {}),
      templates: loaded ? { versions: loaded.versionCount, loadedAt: loaded.loadedAt.toISOString() } : null,
    },
  };
}
