import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger, createService, loadConfig } from "@promptreg/server";
import { startSimulatedGateway } from "@promptreg/server/simulated-gateway";
import { realTemplates } from "./trees.js";

/**
 * The real service (createService: registry, renderer, auth, in-process simulated gateway) over the repository's
 * templates on a loopback port, with its development credential written under `repoRoot/.promptreg/`, for the CLI
 * tests that call it in-process. `env` adds configuration (REDIS_URL turns batches on).
 */
export async function startInProcessService({
  repoRoot,
  env = {},
}: {
  repoRoot: string;
  env?: Record<string, string>;
}): Promise<{ url: string; close(): Promise<void> }> {
  const config = loadConfig({
    env: {
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      PROMPTREG_TEMPLATES_DIR: realTemplates,
      PROMPTREG_WATCH: "false",
      ...env,
    },
    repoRoot,
  });
  const service = await createService({
    config,
    logger: createLogger({ level: "silent" }),
    publicUrl: "http://127.0.0.1:0",
    simulatedGateway: startSimulatedGateway,
  });
  const loaded = await service.registry.reload();
  if (!loaded.ok) throw new Error("the repository templates did not load");
  const server: Server = service.app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await service.announce(url);
  return {
    url,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await service.close();
    },
  };
}
