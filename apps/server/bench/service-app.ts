import { createGatewayClient } from "@promptreg/gateway";
import { loadRegistryFromDir } from "@promptreg/registry";
import { createRenderer } from "@promptreg/renderer";
import type { GatewayPort } from "@promptreg/runtime";
import { createMemoryNonceStore, parseClientKeys } from "@promptreg/signing";
import type { Express } from "express";
import { createApp } from "../src/app.js";
import { createLogger } from "../src/http/logger.js";
import { createSignatureVerifier } from "../src/logic/authenticate.js";
import { createCredentialSet } from "../src/logic/credentials.js";
import { createRegistryHolder } from "../src/logic/registry-holder.js";
import type { HotRouteHandler } from "../src/routes/render-run.js";
import { benchGatewayOptions } from "./gateway-options.js";

/**
 * The service as the benchmarks measure it: the real app (signed auth with one key `bench`, memory nonce store,
 * renderer over the test fixtures, gateway client to `mockUrl`, silent logger) plus the same-stack baseline route
 * `POST /v1/bench-static`, behind the same front as the render route (auth included) and on the same hot path
 * (src/http/hot-routes.ts), answering `baselineBody`.
 * serve.ts listens on it in a process of its own; stack-micro.ts and run-micro.ts drive it in-process. `gateway`
 * replaces the gateway client (run-micro.ts's upstream-free sides).
 */
export async function createServiceApp({
  mockUrl,
  secret,
  baselineBody,
  gateway = createGatewayClient(benchGatewayOptions(mockUrl)),
}: {
  mockUrl: string;
  secret: string;
  baselineBody: string;
  gateway?: GatewayPort;
}): Promise<Express> {
  const credentials = createCredentialSet({
    keys: parseClientKeys(
      `clients:\n  - keyId: bench\n    secrets: ["${secret}"]\n    rateLimit: { requestsPerMinute: 100000000 }\n`,
    ),
    defaultRequestsPerMinute: 100_000_000,
  });
  const registry = createRegistryHolder({
    load: () => loadRegistryFromDir(new URL("../test/__fixtures__/templates/", import.meta.url).pathname),
    createRenderer: (loaded) => createRenderer({ registry: loaded }),
  });
  await registry.reload();
  // Answered as sendJson answers (the same headers), on the same path as the render route (hot-routes.ts).
  const sameStack: HotRouteHandler = (_req, res) => {
    res.setHeader("Content-Type", "application/json; charset=utf-8");
    res.setHeader("Content-Length", Buffer.byteLength(baselineBody));
    res.end(baselineBody);
  };
  return createApp({
    extraHotRoutes: new Map([["/v1/bench-static", sameStack]]),
    config: {
      bodyLimitBytes: 256 * 1024,
      requestTimeoutMs: 30_000,
      rateLimitPerMinute: 100_000_000,
      outputRepairAttempts: 1,
      statsCapacity: 10_000,
    },
    registry,
    credentials,
    verifier: createSignatureVerifier({ credentials, nonceStore: createMemoryNonceStore() }),
    gateway,
    logger: createLogger({ level: "silent" }),
  });
}
