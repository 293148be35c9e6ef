// CPU per request of each process on both sides of row b of server.bench.ts, read from /proc (Linux only):
// `node --import tsx bench/run-cost.ts` in apps/server. Throughput under load is noise on the shared box, CPU time much
// less so; on two cores that every process shares, throughput is bounded by the CPU all processes spend per request,
// so the ratio of the totals is the best /v1/run ÷ direct ratio the 2 cores allow. The load generator is autocannon
// in this process for /v1/run (as in the benchmark), the gateway client in this process for the direct side.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createGatewayClient } from "@promptreg/gateway";
import { loadRegistryFromDir } from "@promptreg/registry";
import { createRenderer } from "@promptreg/renderer";
import { buildChatRequest } from "@promptreg/runtime";
import autocannon from "autocannon";
import { startMockAndService } from "./bench-child.js";
import { benchGatewayOptions } from "./gateway-options.js";
import { RUN_BODY } from "./request-bodies.js";
import { signedPool } from "./signed-pool.js";

const SECRET = "bench-secret-0123456789abcdefghij";
const SECONDS = Number(process.env.COST_SECONDS ?? 5);
const ROUNDS = Number(process.env.COST_ROUNDS ?? 3);
const CONNECTIONS = 32;
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** User + system CPU of a process so far, in µs (all its threads: GC and libuv's pool included). */
function cpuOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) / TICKS) * 1e6;
}
const selfCpu = () => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};

const { mock, mockUrl, service, serviceUrl } = await startMockAndService(SECRET);
const registry = await loadRegistryFromDir(
  fileURLToPath(new URL("../test/__fixtures__/templates/", import.meta.url)),
);
const greetRequest = buildChatRequest(createRenderer({ registry }).render("support/greet", { name: "Ada" }));
const directClient = createGatewayClient(benchGatewayOptions(mockUrl));

/** Signed requests are made before each measured slice, so the load generator's CPU in the slice is only sending. */
const signed = (seconds: number) =>
  signedPool({ keyId: "bench", secret: SECRET, path: "/v1/run", body: RUN_BODY, size: 4_000 * seconds });
let pool = signed(2);

async function viaService(seconds: number): Promise<number> {
  const result = await autocannon({
    url: serviceUrl,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: "POST",
        path: "/v1/run",
        body: RUN_BODY,
        setupRequest: (request) => ({ ...request, headers: pool.next() }),
      },
    ],
  });
  if (result.non2xx + result.errors > 0) throw new Error(`${result.non2xx + result.errors} failed runs`);
  if (pool.late > 0) console.log(`${pool.late} requests signed during the slice (the pool ran out)`);
  return result.requests.total;
}

async function direct(seconds: number): Promise<number> {
  let calls = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) {
        if (!(await directClient.chat(greetRequest)).text) throw new Error("empty upstream answer");
        calls++;
      }
    }),
  );
  return calls;
}

/** CPU µs per request of each process during `load`. */
async function measure(load: (seconds: number) => Promise<number>, pids: Record<string, number>) {
  pool = signed(SECONDS);
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuOf(pid)]));
  const self0 = selfCpu();
  const requests = await load(SECONDS);
  const perRequest: Record<string, number> = { "this process": (selfCpu() - self0) / requests };
  for (const [name, pid] of Object.entries(pids)) perRequest[name] = (cpuOf(pid) - before[name]!) / requests;
  console.log(`${requests} requests in ${SECONDS} s`);
  return perRequest;
}

await viaService(2);
await direct(2);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const runs: Record<string, number>[] = [];
const directs: Record<string, number>[] = [];
for (let round = 0; round < ROUNDS; round++) {
  runs.push(await measure(viaService, { service: service.child.pid!, mock: mock.child.pid! }));
  directs.push(await measure(direct, { mock: mock.child.pid! }));
}
const show = (label: string, list: Record<string, number>[]) => {
  const names = Object.keys(list[0]!);
  const cells = names.map((name) => `${name} ${median(list.map((x) => x[name]!)).toFixed(0)}`);
  const total = median(list.map((x) => Object.values(x).reduce((a, b) => a + b, 0)));
  console.log(
    `${label}: CPU µs per request (median of ${ROUNDS}): ${cells.join(", ")}; all processes ${total.toFixed(0)}`,
  );
  return total;
};
const runTotal = show("/v1/run via the service (load: autocannon)", runs);
const directTotal = show("direct (load: the gateway client)", directs);
console.log(
  `CPU-bound bound for /v1/run ÷ direct throughput on shared cores: ${(directTotal / runTotal).toFixed(2)}x`,
);
await directClient.close();
service.child.disconnect();
mock.child.disconnect();
