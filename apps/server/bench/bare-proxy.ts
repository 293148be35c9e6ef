// Child process of server.bench.ts: the floor of rows b and c, what any process between a client and its upstream costs
// (throughput in row b, the first byte in row c). Every POST is answered by sending one fixed chat request
// (UPSTREAM_BODY, streamed or not) to the mock gateway over keep-alive connections and piping the upstream's status,
// content type and body back as they arrive: the request body is read and dropped, nothing is checked, parsed or rendered. Sends its URL over IPC when ready and exits
// when the parent disconnects (or dies).
import { once } from "node:events";
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

const upstream = new URL(`${process.env.MOCK_URL as string}/chat/completions`);
const body = process.env.UPSTREAM_BODY as string;
const agent = new Agent({ keepAlive: true });
const upstreamHeaders = {
  "content-type": "application/json",
  accept: (JSON.parse(body) as { stream?: boolean }).stream ? "text/event-stream" : "application/json",
  authorization: "Bearer bench-key",
  "content-length": Buffer.byteLength(body),
};

const server = createServer((req, res) => {
  req.resume();
  req.once("end", () => {
    const call = request(upstream, { method: "POST", agent, headers: upstreamHeaders }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, {
        "content-type": answer.headers["content-type"] ?? "text/event-stream",
      });
      answer.pipe(res);
    });
    call.once("error", () => res.destroy());
    call.end(body);
  });
});
server.listen(0, "127.0.0.1");
await once(server, "listening");
process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
process.on("disconnect", () => {
  agent.destroy();
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
