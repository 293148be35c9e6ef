// Child process of server.bench.ts: the baseline of the render target (bare-app.ts) in a process of its own like the
// service. Sends its URL over IPC when ready and exits when the parent disconnects (or dies).
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createBareApp } from "./bare-app.js";
import { answerProfileRequests } from "./child-profiler.js";

const server = createBareApp(process.env.BASELINE_BODY as string).listen(0, "127.0.0.1");
await once(server, "listening");
process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
// bench/profile-service.ts bare profiles it under the same load as the service.
answerProfileRequests();
process.on("disconnect", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
