// Profiles the service under the server benchmark's load: `node --import tsx bench/profile-service.ts [render|run|bare]`
// (in apps/server; run it under the shared CPU lock). The service runs in a child process; this process drives it with
// autocannon (requests signed before each load, PROFILE_CONNECTIONS, default 32), has the child profile PROFILE_SECONDS of steady state
// after a warm-up (node:inspector), and prints the functions with the most self time and the modules they sit in, as a
// share of the profile and in µs per request. `bare` profiles the render target's baseline (bare-express.ts, answering
// what the service's render answers) under the same render load, so the two can be compared line by line.
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import { startBareBeside, startMockAndService } from "./bench-child.js";
import { RENDER_BODY, RUN_BODY } from "./request-bodies.js";
import { signedPool } from "./signed-pool.js";

const SECRET = "bench-secret-0123456789abcdefghij";
const target = process.argv[2] === "run" || process.argv[2] === "bare" ? process.argv[2] : "render";
const which = target === "run" ? "run" : "render";
const seconds = Number(process.env.PROFILE_SECONDS ?? 8);
const body = which === "run" ? RUN_BODY : RENDER_BODY;

const { mock, service, serviceUrl } = await startMockAndService(SECRET);
const baseline = target === "bare" ? await startBareBeside(serviceUrl, SECRET) : undefined;
const profiled = baseline?.bare ?? service;
const url = baseline?.bareUrl ?? serviceUrl;
const route = `/v1/${which}`;
const connections = Number(process.env.PROFILE_CONNECTIONS ?? 32);
/** Signed requests are made before each load (bench/signed-pool.ts), so the load generator does not sign on the
 * cores the profiled service runs on. */
const load = async (duration: number, expectedRps = 3_000) => {
  const pool = signedPool({
    keyId: "bench",
    secret: SECRET,
    path: route,
    body,
    size: Math.ceil(expectedRps * duration * 3) + 1_000,
  });
  const result = await autocannon({
    url,
    connections,
    duration,
    requests: [
      {
        method: "POST",
        path: route,
        body,
        setupRequest: (request) => ({ ...request, headers: pool.next() }),
      },
    ],
  });
  if (pool.late > 0) console.log(`${pool.late} requests signed during the load (the pool ran out)`);
  return result;
};
const reply = (match: (message: unknown) => boolean) =>
  new Promise<unknown>((resolve) => {
    const listener = (message: unknown) => {
      if (!match(message)) return;
      profiled.child.off("message", listener);
      resolve(message);
    };
    profiled.child.on("message", listener);
  });
const warmUp = await load(2); // warm-up: JIT, pools; start-up and module loading stay out of the profile
const profiling = reply((message) => message === "profiling");
profiled.child.send("profile-start");
await profiling;
const result = await load(seconds, warmUp.requests.average);
const stopped = reply((message) => typeof message === "object" && message !== null && "profile" in message);
profiled.child.send("profile-stop");
const profileFile = ((await stopped) as { profile: string }).profile;
console.log(
  `${target === "bare" ? "bare Express" : "service"} ${route}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms, ${result.non2xx} non-2xx`,
);
baseline?.bare.child.disconnect();
service.child.disconnect();
mock.child.disconnect();

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
const profile = JSON.parse(readFileSync(profileFile, "utf8")) as {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
};
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<string, number>();
const byFile = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, index) => {
  const node = byId.get(id);
  if (!node) return;
  const micros = profile.timeDeltas[index] ?? 0;
  total += micros;
  const where = node.callFrame.url
    .replace(/^file:\/\//, "")
    .replace(/.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, "");
  const short = where.replace(/.*\/(apps|packages)\//, "$1/");
  const key = `${node.callFrame.functionName || "(anonymous)"} ${short}:${node.callFrame.lineNumber + 1}:${node.callFrame.columnNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + micros);
  const group =
    short.startsWith("node:") || short === ""
      ? short || "(native/gc/idle)"
      : short.split("/").slice(0, 2).join("/");
  byFile.set(group, (byFile.get(group) ?? 0) + micros);
});
const top = (map: Map<string, number>, count: number) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(
      ([key, micros]) =>
        `${((100 * micros) / total).toFixed(1).padStart(5)}% ${(micros / result.requests.total).toFixed(2).padStart(7)} µs  ${key}`,
    )
    .join("\n");
console.log(
  `\nprofiled: ${(total / result.requests.total).toFixed(1)} µs per request (idle included); self time by package or module (${profileFile}):\n${top(byFile, 25)}`,
);
console.log(`\nself time by function:\n${top(self, 40)}`);
