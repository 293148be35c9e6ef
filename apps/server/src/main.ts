import type { Server } from "node:http";
import { configFromEnvOrExit } from "./config-from-env.js";
import { createLogger, createStdoutLogOutput } from "./http/logger.js";
import { SERVICE_LIMITS } from "./limits.js";
import { createService } from "./service.js";

async function main(): Promise<void> {
  const config = configFromEnvOrExit();
  const logOutput = createStdoutLogOutput();
  const logger = createLogger({ level: config.logLevel, destination: logOutput.destination });
  let publicUrl = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${config.port}`;
  const service = await createService({
    config,
    logger,
    publicUrl,
    // Development only: loaded on demand, so a service with a gateway key never loads the mock gateway.
    simulatedGateway: async (options) =>
      (await import("./simulated-gateway.js")).startSimulatedGateway(options),
  });

  const first = await service.registry.reload();
  if (!first.ok && config.nodeEnv === "production") {
    logger.fatal("refusing to start in production with a template tree that does not load");
    await service.close();
    await logOutput.close();
    process.exit(1);
  }

  const server: Server = service.app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  // Node's own guards against slow clients; the app's per-request timeout covers slow handlers.
  server.headersTimeout = SERVICE_LIMITS.headersTimeoutMs;
  server.requestTimeout = config.requestTimeoutMs + SERVICE_LIMITS.requestTimeoutMarginMs;
  server.keepAliveTimeout = SERVICE_LIMITS.keepAliveTimeoutMs;
  const bound = server.address();
  if (bound && typeof bound === "object" && bound.port !== config.port) {
    publicUrl = publicUrl.replace(/:\d+$/, `:${bound.port}`);
  }
  await service.announce(publicUrl);

  if (service.gatewayMode === "simulated") {
    logger.warn("simulated gateway: set GATEWAY_API_KEY to call AI Stats");
    process.stderr.write(
      "\n  ⚠  SIMULATED GATEWAY: replies are echoes from the in-process mock. Set GATEWAY_API_KEY to call AI Stats.\n",
    );
  }
  if (config.auth === "off") {
    process.stderr.write("\n  ⚠  PROMPTREG_AUTH=off: requests are not authenticated (development only).\n");
  }
  const lines = [
    `\n  promptreg listening on ${publicUrl}  (${config.bundleFile ? `bundle: ${config.bundleFile}` : `templates: ${config.templatesDir}`})`,
  ];
  if (service.devClient) {
    lines.push(
      `  Development client ${service.devClient.created ? "created" : "reused"}: key id "${service.devClient.keyId}", secret in ${service.devClient.file} (mode 0600).`,
      "  Try it (signs requests with that credential):",
      "    pnpm --filter @promptreg/server call GET /v1/templates",
      `    pnpm --filter @promptreg/server call POST /v1/render '{"ref":"support/summarize-ticket@production","input":{"ticket":"My invoice is wrong."}}'`,
      `    pnpm --filter @promptreg/server call POST /v1/run '{"ref":"support/summarize-ticket@production","input":{"ticket":"My invoice is wrong."}}'`,
    );
  }
  lines.push(
    `  Health: ${publicUrl}/readyz   Metrics: ${publicUrl}/metrics   API: ${publicUrl}/openapi.json\n`,
  );
  process.stderr.write(`${lines.join("\n")}\n`);

  process.on("SIGHUP", () => {
    logger.info("SIGHUP: reloading templates");
    void service.registry.reload();
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    service.lifecycle.draining = true;
    logger.info(
      { signal, drainTimeoutMs: config.drainTimeoutMs },
      "draining: no new connections, finishing in-flight requests",
    );
    const forced = setTimeout(() => {
      logger.warn(
        { openStreams: service.lifecycle.openStreams.size },
        "drain timeout reached; closing remaining connections",
      );
      for (const close of service.lifecycle.openStreams) close();
      server.closeAllConnections();
    }, config.drainTimeoutMs);
    forced.unref();
    server.close(async () => {
      clearTimeout(forced);
      await service.close();
      logger.info("stopped");
      // Bounded: a stdout reader that stopped reading costs the last lines, never the exit.
      await logOutput.close();
      process.exit(0);
    });
    // Idle keep-alive sockets would otherwise hold server.close() open until they time out.
    server.closeIdleConnections();
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `promptreg server failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
