// Child process of server.bench.ts: the real app (signed auth, renderer, gateway client) plus a baseline route on
// the same Express instance that answers a precomputed JSON of the same size. Sends its URL over IPC when ready and
// exits when the parent disconnects (or dies).
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { answerProfileRequests } from "./child-profiler.js";
import { createServiceApp } from "./service-app.js";

const app = await createServiceApp({
  mockUrl: process.env.MOCK_URL as string,
  secret: process.env.BENCH_SECRET as string,
  baselineBody: process.env.BASELINE_BODY as string,
});

// Listens on the app itself, as main.ts does: no outer app in front of it (a mounted sub-app costs a second Express
// dispatch per request that the deployed service does not pay).
const server = app.listen(0, "127.0.0.1");
await once(server, "listening");
process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
// bench/profile-service.ts profiles the steady state only.
answerProfileRequests();
process.on("disconnect", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
