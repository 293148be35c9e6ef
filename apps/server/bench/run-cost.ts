// CPU per request of each process on both sides of a row of server.bench.ts, read from /proc (Linux only), in apps/server:
//   `node --import tsx bench/run-cost.ts [run|render]` (default run).
//   run:    b. POST /v1/run via the service (load: autocannon) vs the gateway client calling the mock directly (in a
//           child process of its own, direct-caller.ts, as in the benchmark);
//   render: a. signed POST /v1/render via the service vs the bare Express app (bare-express.ts), both loaded by
//           autocannon with the same pre-signed requests, each server in a process of its own.
// Throughput under load is noise on the shared box, CPU time much less so; on two cores that every process shares,
// throughput is bounded by the CPU all processes spend per request, so the ratio of the totals is the best ratio the
// 2 cores allow. Per process it reports user and system CPU (system time is the kernel's share: syscalls, the loopback
// socket), context switches (voluntary: the process slept, e.g. in epoll_wait with nothing to do; involuntary: the
// scheduler took the core away) and, for autocannon loads, the response bytes per request. COST_STRACE=1 adds one
// slice per side under `strace -c -f` (each server process and its threads): system calls per request by name.
// strace slows the traced process many times over, so that slice's counts are only per request, never CPU.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadRegistryFromDir } from "@promptreg/registry";
import { createRenderer } from "@promptreg/renderer";
import { buildChatRequest } from "@promptreg/runtime";
import autocannon from "autocannon";
import { startBareBeside, startDirectCaller, startMockAndService } from "./bench-child.js";
import { RENDER_BODY, RUN_BODY } from "./request-bodies.js";
import { type SignedPool, signedPool } from "./signed-pool.js";

const SECRET = "bench-secret-0123456789abcdefghij";
const SECONDS = Number(process.env.COST_SECONDS ?? 5);
const ROUNDS = Number(process.env.COST_ROUNDS ?? 3);
const STRACE = process.env.COST_STRACE === "1";
const CONNECTIONS = 32;
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;
const which = process.argv[2] === "render" ? "render" : "run";

/** What a process has used so far: CPU µs (all its threads: GC and libuv's pool included) and context switches. */
interface Usage {
  user: number;
  system: number;
  voluntary: number;
  involuntary: number;
}

function usageOf(pid: number): Usage {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const usage = {
    user: (Number(fields[11]) / TICKS) * 1e6,
    system: (Number(fields[12]) / TICKS) * 1e6,
    voluntary: 0,
    involuntary: 0,
  };
  // Context switches are counted per thread: the process's are the sum over /proc/<pid>/task.
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const status = readFileSync(`/proc/${pid}/task/${task}/status`, "utf8");
    usage.voluntary += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    usage.involuntary += Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  }
  return usage;
}
function selfUsage(): Usage {
  const cpu = process.cpuUsage();
  const { voluntaryContextSwitches, involuntaryContextSwitches } = process.resourceUsage();
  return {
    user: cpu.user,
    system: cpu.system,
    voluntary: voluntaryContextSwitches,
    involuntary: involuntaryContextSwitches,
  };
}

/** One load on one side: how many requests it sent and how many response bytes came back. */
interface Loaded {
  requests: number;
  responseBytes?: number;
}

interface Side {
  name: string;
  load: (seconds: number) => Promise<Loaded>;
  /** The processes whose CPU counts for this side, by name, besides the load generator's. */
  pids: Record<string, number>;
  /** The load generator's process when it is a child, not this process (the direct caller). */
  generatorPid?: number;
  /** Made before each slice, so the load generator's CPU in the slice is only sending. */
  prepare?: (seconds: number) => void;
}

/** A side loaded by autocannon with requests signed before each slice (bench/signed-pool.ts). */
function cannonSide({
  name,
  url,
  route,
  body,
  pids,
  requestsPerSecond,
}: {
  name: string;
  url: string;
  route: string;
  body: string;
  pids: Record<string, number>;
  /** Sizes the pool of signed requests (generously: a pool that runs dry signs during the slice and says so). */
  requestsPerSecond: number;
}): Side {
  let pool: SignedPool | undefined;
  const prepare = (seconds: number) => {
    pool = signedPool({
      keyId: "bench",
      secret: SECRET,
      path: route,
      body,
      size: requestsPerSecond * seconds,
    });
  };
  return {
    name,
    pids,
    prepare,
    async load(seconds) {
      if (!pool) prepare(seconds);
      const signed = pool as SignedPool;
      pool = undefined;
      const result = await autocannon({
        url,
        connections: CONNECTIONS,
        duration: seconds,
        requests: [
          {
            method: "POST",
            path: route,
            body,
            setupRequest: (request) => ({ ...request, headers: signed.next() }),
          },
        ],
      });
      if (result.non2xx + result.errors > 0)
        throw new Error(`${name}: ${result.non2xx + result.errors} failed`);
      if (signed.late > 0)
        console.log(`${name}: ${signed.late} requests signed during the slice (pool ran out)`);
      return { requests: result.requests.total, responseBytes: result.throughput.total };
    },
  };
}

/** CPU µs and context switches per request of each process of `side` during one slice. */
async function measure(side: Side): Promise<{ perRequest: Record<string, Usage>; responseBytes?: number }> {
  side.prepare?.(SECONDS);
  const before = Object.fromEntries(Object.entries(side.pids).map(([name, pid]) => [name, usageOf(pid)]));
  const generator = side.generatorPid;
  const generatorUsage = () => (generator === undefined ? selfUsage() : usageOf(generator));
  const generator0 = generatorUsage();
  const { requests, responseBytes } = await side.load(SECONDS);
  const per = (after: Usage, start: Usage): Usage => ({
    user: (after.user - start.user) / requests,
    system: (after.system - start.system) / requests,
    voluntary: (after.voluntary - start.voluntary) / requests,
    involuntary: (after.involuntary - start.involuntary) / requests,
  });
  const perRequest: Record<string, Usage> = { "load generator": per(generatorUsage(), generator0) };
  for (const [name, pid] of Object.entries(side.pids))
    perRequest[name] = per(usageOf(pid), before[name] as Usage);
  console.log(`${side.name}: ${requests} requests in ${SECONDS} s`);
  return { perRequest, responseBytes: responseBytes === undefined ? undefined : responseBytes / requests };
}

/** System calls per request of `pid` (all its threads) during one slice of `side`, by name, from `strace -c -f`. */
async function syscallsPerRequest(side: Side, pid: number): Promise<Map<string, number>> {
  const output = path.join(tmpdir(), `promptreg-run-cost-${pid}.strace`);
  const strace = spawn("strace", ["-c", "-f", "-o", output, "-p", String(pid)], { stdio: "ignore" });
  await new Promise((resolve) => setTimeout(resolve, 500));
  side.prepare?.(SECONDS);
  const { requests } = await side.load(SECONDS);
  const exited = new Promise((resolve) => strace.once("exit", resolve));
  strace.kill("SIGINT");
  await exited;
  const counts = new Map<string, number>();
  // strace -c's table: "% time  seconds  usecs/call  calls  [errors]  syscall".
  for (const line of readFileSync(output, "utf8").split("\n")) {
    const match = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$/.exec(line);
    if (match && match[2] !== "total") counts.set(match[2] as string, Number(match[1]) / requests);
  }
  return counts;
}

async function runSides(): Promise<{ sides: [Side, Side]; close: () => Promise<void> }> {
  const { mock, mockUrl, service, serviceUrl } = await startMockAndService(SECRET);
  const registry = await loadRegistryFromDir(
    fileURLToPath(new URL("../test/__fixtures__/templates/", import.meta.url)),
  );
  const greetRequest = buildChatRequest(
    createRenderer({ registry }).render("support/greet", { name: "Ada" }),
  );
  const directCaller = await startDirectCaller(mockUrl, greetRequest);
  const direct: Side = {
    name: "direct (load: the gateway client)",
    pids: { mock: mock.child.pid as number },
    generatorPid: directCaller.child.pid as number,
    async load(seconds) {
      const { latencies } = await directCaller.load({ seconds, callers: CONNECTIONS });
      return { requests: latencies.length };
    },
  };
  const viaService = cannonSide({
    name: "/v1/run via the service (load: autocannon)",
    url: serviceUrl,
    route: "/v1/run",
    body: RUN_BODY,
    pids: { service: service.child.pid as number, mock: mock.child.pid as number },
    requestsPerSecond: 8_000,
  });
  return {
    sides: [viaService, direct],
    close: async () => {
      directCaller.child.disconnect();
      service.child.disconnect();
      mock.child.disconnect();
    },
  };
}

async function renderSides(): Promise<{ sides: [Side, Side]; close: () => Promise<void> }> {
  const { mock, service, serviceUrl } = await startMockAndService(SECRET);
  const { bare, bareUrl } = await startBareBeside(serviceUrl, SECRET);
  const side = (name: string, url: string, pids: Record<string, number>) =>
    cannonSide({ name, url, route: "/v1/render", body: RENDER_BODY, pids, requestsPerSecond: 15_000 });
  return {
    sides: [
      side("signed POST /v1/render via the service", serviceUrl, { service: service.child.pid as number }),
      side("bare Express + express.json()", bareUrl, { bare: bare.child.pid as number }),
    ],
    close: async () => {
      bare.child.disconnect();
      service.child.disconnect();
      mock.child.disconnect();
    },
  };
}

const { sides, close } = which === "render" ? await renderSides() : await runSides();
// Warm-up: JIT and connection pools.
for (const side of sides) await side.load(2);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const results = new Map<Side, { perRequest: Record<string, Usage>; responseBytes?: number }[]>(
  sides.map((side) => [side, []]),
);
// A, B, B, A, A, B...: drift in the shared box's load hits both sides alike.
for (let round = 0; round < ROUNDS; round++) {
  for (const side of round % 2 === 0 ? sides : [...sides].reverse())
    results.get(side)?.push(await measure(side));
}

const totals = new Map<Side, number>();
for (const side of sides) {
  const list = results.get(side) ?? [];
  const names = Object.keys(list[0]?.perRequest ?? {});
  const med = (pick: (usage: Usage) => number, name: string) =>
    median(list.map((x) => pick(x.perRequest[name] as Usage)));
  const total = median(
    list.map((x) => Object.values(x.perRequest).reduce((sum, u) => sum + u.user + u.system, 0)),
  );
  totals.set(side, total);
  console.log(`\n${side.name}, per request (median of ${ROUNDS} slices of ${SECONDS} s):`);
  for (const name of names) {
    const user = med((u) => u.user, name);
    const system = med((u) => u.system, name);
    console.log(
      `  ${name.padEnd(15)} CPU ${(user + system).toFixed(1).padStart(7)} µs (user ${user.toFixed(1)}, system ${system.toFixed(1)}), ` +
        `context switches ${med((u) => u.voluntary, name).toFixed(3)} voluntary, ${med((u) => u.involuntary, name).toFixed(3)} involuntary`,
    );
  }
  const bytes = list.map((x) => x.responseBytes).filter((x): x is number => x !== undefined);
  if (bytes.length > 0)
    console.log(`  response bytes (status line, headers, body): ${median(bytes).toFixed(0)}`);
  console.log(`  all processes: CPU ${total.toFixed(1)} µs`);
}
const [a, b] = sides;
console.log(
  `\nCPU-bound bound for ${a.name} ÷ ${b.name} throughput on shared cores: ${((totals.get(b) ?? 0) / (totals.get(a) ?? 1)).toFixed(2)}x`,
);

if (STRACE) {
  for (const side of sides) {
    for (const [name, pid] of Object.entries(side.pids)) {
      const counts = await syscallsPerRequest(side, pid);
      const top = [...counts.entries()].sort((x, y) => y[1] - x[1]).slice(0, 12);
      console.log(
        `\nsystem calls per request, ${name} (${side.name}, under strace -c -f): ${[...counts.values()].reduce((s, n) => s + n, 0).toFixed(2)} in all\n` +
          top.map(([call, n]) => `  ${call.padEnd(16)} ${n.toFixed(3)}`).join("\n"),
      );
    }
  }
}
await close();
