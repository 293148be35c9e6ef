// Child process of server.bench.ts: the baseline of the render target. A bare Express app with express.json() that
// answers every POST with a fixed JSON body of the size of a real render answer (BASELINE_BODY), in a process of
// its own like the service. Sends its URL over IPC when ready and exits when the parent disconnects (or dies).
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import express from "express";

const body = process.env.BASELINE_BODY as string;
const app = express();
app.disable("x-powered-by");
app.set("etag", false);
app.use(express.json());
app.post("/v1/render", (_req, res) => {
  res.type("application/json").send(body);
});
const server = app.listen(0, "127.0.0.1");
await once(server, "listening");
process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
process.on("disconnect", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
