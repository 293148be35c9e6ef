// Child process of server.bench.ts: the real app (signed auth, renderer, gateway client) plus a baseline route on
// the same Express instance that answers a precomputed JSON of the same size. Sends its URL over IPC when ready and
// exits when the parent disconnects (or dies).
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
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
