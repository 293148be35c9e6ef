// Child process of server.bench.ts and run-cost.ts: the direct side of row b, the gateway client (the service's
// settings, bench/gateway-options.ts) calling the mock gateway at MOCK_URL with the chat request CHAT_REQUEST (JSON),
// in a process of its own as every other side is, so no load shares an event loop or a heap with the benchmark's own
// bookkeeping (autocannon's results, the signed pools). Sends `{ url: MOCK_URL }` over IPC when ready; each `{ seconds, callers }` message runs that many
// concurrent callers for that long and is answered with `{ latencies, elapsedMs }` (ms per call). Exits when the
// parent disconnects (or dies).
import { type ChatRequest, createGatewayClient } from "@promptreg/gateway";
import { benchGatewayOptions } from "./gateway-options.js";

export interface DirectLoad {
  seconds: number;
  callers: number;
}
export interface DirectResult {
  latencies: number[];
  elapsedMs: number;
}

const mockUrl = process.env.MOCK_URL as string;
const request = JSON.parse(process.env.CHAT_REQUEST as string) as ChatRequest;
const client = createGatewayClient(benchGatewayOptions(mockUrl));

async function load({ seconds, callers }: DirectLoad): Promise<DirectResult> {
  const latencies: number[] = [];
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const result = await client.chat(request);
        if (!result.text) throw new Error("empty upstream answer");
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, elapsedMs: performance.now() - started };
}

process.on("message", (message) => {
  void load(message as DirectLoad).then((result) => process.send?.(result));
});
process.send?.({ url: mockUrl });
process.on("disconnect", () => {
  void client.close().then(() => process.exit(0));
});
