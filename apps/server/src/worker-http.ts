import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "./http/logger.js";
import type { ServerMetrics } from "./http/metrics.js";
import { checkReadiness, type ReadinessSources } from "./logic/readiness.js";

/** `pnpm worker`'s endpoint for the platform, as the service's: where it listens, and how to stop it. */
export interface WorkerHttp {
  url: string;
  close(): Promise<void>;
}

/**
 * The worker's own small HTTP endpoint for orchestrators and Prometheus: `GET /healthz` (alive), `GET /readyz` (the
 * service's readiness checks: registry, gateway, Redis, queue, draining) and `GET /metrics` (its items, tokens, cost
 * and gateway metrics, which no other process can export). Nothing else: no API, no authentication, 404 for other
 * paths and 405 for other methods. Plain node:http, since there are three fixed routes and no request bodies.
 */
export async function startWorkerHttp({
  host,
  port,
  readiness,
  metrics,
  logger,
}: {
  host: string;
  port: number;
  readiness: ReadinessSources;
  metrics: ServerMetrics;
  logger: Logger;
}): Promise<WorkerHttp> {
  const server = createServer((req, res) => {
    const send = (status: number, body: string, type = "application/json; charset=utf-8") => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    const route = (req.url ?? "/").split("?")[0];
    if (route !== "/healthz" && route !== "/readyz" && route !== "/metrics") {
      send(404, JSON.stringify({ error: { code: "route_not_found", message: `no route ${route}` } }));
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      send(405, JSON.stringify({ error: { code: "method_not_allowed", message: `${req.method} ${route}` } }));
      return;
    }
    void (async () => {
      if (route === "/healthz") return send(200, JSON.stringify({ status: "ok" }));
      if (route === "/readyz") {
        const { ready, body } = await checkReadiness(readiness);
        return send(ready ? 200 : 503, JSON.stringify(body));
      }
      return send(200, await metrics.register.metrics(), metrics.register.contentType);
    })().catch((error: unknown) => {
      logger.error({ err: (error as Error).message, route }, "worker endpoint failed");
      if (!res.headersSent)
        send(500, JSON.stringify({ error: { code: "internal_error", message: "internal error" } }));
      else res.destroy();
    });
  });
  server.listen(port, host);
  await Promise.race([
    once(server, "listening"),
    once(server, "error").then(([error]) => {
      throw error;
    }),
  ]);
  const bound = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
