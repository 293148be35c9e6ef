// Child process of server.bench.ts: the real app (signed auth, renderer, gateway client) plus a baseline route on
// the same Express instance that answers a precomputed JSON of the same size. Sends its URL over IPC when ready and
// exits when the parent disconnects (or dies).
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createGatewayClient } from "@promptreg/gateway";
import { loadRegistryFromDir } from "@promptreg/registry";
import { createRenderer } from "@promptreg/renderer";
import { createMemoryNonceStore, parseClientKeys } from "@promptreg/signing";
import express, { Router } from "express";
import { createApp } from "../src/app.js";
import { createLogger } from "../src/http/logger.js";
import { createSignatureVerifier } from "../src/logic/authenticate.js";
import { createCredentialSet } from "../src/logic/credentials.js";
import { createRegistryHolder } from "../src/logic/registry-holder.js";
import { benchGatewayOptions } from "./gateway-options.js";

const mockUrl = process.env.MOCK_URL as string;
const secret = process.env.BENCH_SECRET as string;
const baselineBody = process.env.BASELINE_BODY as string;

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
// Same-stack baseline: behind every middleware of the real app (auth included), answering precomputed JSON.
const sameStack = Router();
sameStack.post("/v1/bench-static", (_req, res) => {
  res.type("application/json").send(baselineBody);
});
const app = createApp({
  extraRouters: [sameStack],
  config: {
    bodyLimitBytes: 256 * 1024,
    requestTimeoutMs: 30_000,
    rateLimitPerMinute: 100_000_000,
    outputRepairAttempts: 1,
    statsCapacity: 10_000,
  },
  registry,
  credentials,
  verifier: createSignatureVerifier({
    credentials,
    nonceStore: createMemoryNonceStore(),
  }),
  gateway: createGatewayClient(benchGatewayOptions(mockUrl)),
  logger: createLogger({ level: "silent" }),
});

const outer = express();
outer.disable("x-powered-by");
outer.set("etag", false);
outer.post("/bench/static", express.raw({ type: () => true }), (_req, res) => {
  res.type("application/json").send(baselineBody);
});
outer.use(app);
const server = outer.listen(0, "127.0.0.1");
await once(server, "listening");
process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
// bench/profile-service.ts profiles the steady state only: it sends "profile-start" after a warm-up and
// "profile-stop" before the end, and gets the profile's path back.
let profiler: Session | undefined;
process.on("message", (message) => {
  if (message === "profile-start") {
    profiler = new Session();
    profiler.connect();
    profiler.post("Profiler.enable", () =>
      profiler?.post("Profiler.start", () => process.send?.("profiling")),
    );
  } else if (message === "profile-stop" && profiler) {
    profiler.post("Profiler.stop", (error, result) => {
      if (error) throw error;
      const file = path.join(tmpdir(), `promptreg-service-${process.pid}.cpuprofile`);
      writeFileSync(file, JSON.stringify(result.profile));
      process.send?.({ profile: file });
    });
  }
});
process.on("disconnect", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
