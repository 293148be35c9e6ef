import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createNonce, signRequest } from "@promptreg/signing";
import { freePort } from "@promptreg/test-kit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { type ComposeService, composeServices } from "../src/compose-file.js";
import { imageRuntime } from "../src/dockerfile-stage.js";
import { copySharedImageTree } from "../src/image-tree.js";
import { runCommand } from "../src/run-command.js";
import { type ServiceProcess, startServiceProcess } from "../src/service-process.js";
import { repoRoot } from "../src/workspace-packages.js";

// docker-compose.yml's `scaled` profile run as the compose file describes it, on loopback, without Docker (issue 13
// item 6): every service's environment and command come from the compose file (merge keys and `${...}` interpolation
// included), the replicas' and worker's image from the Dockerfile's runtime stage (WORKDIR, ENV, CMD) over the same
// production tree the image ships (image-tree.ts: compiled dist/, `pnpm deploy --prod`). Only what Docker's network
// and mounts provide is mapped: each compose host name and port to 127.0.0.1 and a free port, the image's /app to the
// built tree, /run/secrets/<name> to a file only when the service mounts that secret. A wrong variable name, a missing
// environment row or a wrong path in the compose file therefore fails here. Real redis-server with the compose
// flags, real nginx with deploy/nginx/promptreg.conf.
//
// Not covered: the images themselves (no Docker engine on this machine): the base images, the read-only root file
// system, cap_drop and the container network's DNS.

const PROFILE = "scaled";
const NGINX = "/usr/sbin/nginx";
const REDIS_PASSWORD = randomBytes(24).toString("hex");
const CLIENT = { keyId: "web", secret: randomBytes(32).toString("base64") };
const LIMITED = { keyId: "limited", secret: randomBytes(32).toString("base64") };
const LIMITED_RPM = 6;
/** The port each compose service listens on inside its container (compose's network reaches it as name:port). */
const CONTAINER_PORTS: Record<string, number> = {
  redis: 6379,
  "mock-gateway": 4010,
  "promptreg-a": 3000,
  "promptreg-b": 3000,
  "load-balancer": 8080,
  worker: 9464,
};
/** What the test waits for in each kind of process's output before it counts as started. */
const READY = {
  redis: /Ready to accept connections/,
  mockGateway: /mock gateway listening on/,
  replica: /promptreg listening on http:\/\/127\.0\.0\.1:\d+/,
  worker: /promptreg batch worker ready/,
};

let sandbox: string;
let appDir: string;
/** Compose host name -> the loopback port that stands for it. */
const ports = new Map<string, number>();
const processes: ServiceProcess[] = [];
let balancer: string;
let replicaUrls: { a: string; b: string };
/** The container health check of each service built from the image, as the test would run it (undefined: none). */
const healthchecks = new Map<string, { args: string[]; env: Record<string, string> } | undefined>();
/** A loopback port nothing listens on: where a container-local port no process of that container opened leads. */
let deadPort: number;

/** Rewrites each compose `host:port` in a value to the loopback port standing for it; nothing else changes. */
function toLoopback(value: string): string {
  let rewritten = value;
  for (const [host, port] of ports) {
    const container = CONTAINER_PORTS[host];
    rewritten = rewritten.replace(
      new RegExp(`(?<![\\w.-])${host.replace(/[-.]/g, "\\$&")}:${container}(?!\\d)`, "g"),
      `127.0.0.1:${port}`,
    );
  }
  return rewritten;
}

/** `127.0.0.1:<port>` and `localhost:<port>` inside a service's container: its own port, or nothing. */
function toContainerLocal(value: string, service: string): string {
  return value.replace(/\b(?:127\.0\.0\.1|localhost):(\d+)\b/g, (_, port: string) => {
    const own = port === String(CONTAINER_PORTS[service]) ? ports.get(service) : undefined;
    return `127.0.0.1:${own ?? deadPort}`;
  });
}

/**
 * A container path as the test's file system has it: the secrets and bind mounts this service has, and the image's
 * working directory (/app). Any other path stays as it is, and so fails to open.
 */
function toHostPath(value: string, service: ComposeService, workdir: string): string {
  if (value.startsWith("/run/secrets/")) {
    return path.join(sandbox, "secrets", service.name, value.slice("/run/secrets/".length));
  }
  for (const { source, target } of service.volumes) {
    if (value === target || value.startsWith(`${target}/`))
      return path.resolve(repoRoot, source) + value.slice(target.length);
  }
  if (value === workdir || value.startsWith(`${workdir}/`)) return appDir + value.slice(workdir.length);
  return value;
}

function byName(services: ComposeService[], name: string): ComposeService {
  const service = services.find((candidate) => candidate.name === name);
  if (!service) throw new Error(`docker-compose.yml has no service ${name} in profile ${PROFILE}`);
  return service;
}

async function startStack(): Promise<void> {
  const compose = await readFile(path.join(repoRoot, "docker-compose.yml"), "utf8");
  const services = composeServices(compose, { variables: { REDIS_PASSWORD }, profile: PROFILE });
  const image = imageRuntime(await readFile(path.join(repoRoot, "Dockerfile"), "utf8"));
  expect(services.map((service) => service.name).sort()).toEqual(
    ["load-balancer", "mock-gateway", "promptreg-a", "promptreg-b", "redis", "worker"].sort(),
  );
  for (const host of Object.keys(CONTAINER_PORTS)) ports.set(host, await freePort());
  deadPort = await freePort();

  // The compose secret client_keys, written like the one docs/scaling.md tells the operator to create, mounted into
  // each service that lists it.
  const clientKeys = `clients:
  - keyId: ${CLIENT.keyId}
    secrets: ["${CLIENT.secret}"]
  - keyId: ${LIMITED.keyId}
    secrets: ["${LIMITED.secret}"]
    rateLimit: { requestsPerMinute: ${LIMITED_RPM} }
`;
  for (const service of services) {
    await mkdir(path.join(sandbox, "secrets", service.name), { recursive: true });
    for (const secret of service.secrets) {
      expect(secret, `${service.name} mounts an unknown secret`).toBe("client_keys");
      await writeFile(path.join(sandbox, "secrets", service.name, secret), clientKeys);
    }
  }
  const home = path.join(sandbox, "home");
  await mkdir(home);

  /** The image's environment under the service's, then host:port and container paths mapped. */
  const environment = (service: ComposeService): Record<string, string> => {
    const env: Record<string, string> = {
      PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
      HOME: home,
      ...image.env,
      ...service.environment,
    };
    // The image listens on HOST:PORT (0.0.0.0:3000 in the container): the loopback port standing for this service,
    // or, in a container whose process listens elsewhere, a port where nothing answers.
    // The worker's health and metrics endpoint (PROMPTREG_WORKER_PORT) likewise.
    for (const variable of ["PORT", "PROMPTREG_WORKER_PORT"]) {
      const value = env[variable];
      if (value === undefined) continue;
      const own = value === String(CONTAINER_PORTS[service.name]) ? ports.get(service.name) : undefined;
      env.HOST = "127.0.0.1";
      env[variable] = String(own ?? deadPort);
    }
    return Object.fromEntries(
      Object.entries(env).map(([key, value]) => [key, toHostPath(toLoopback(value), service, image.workdir)]),
    );
  };
  /** `node <args>` of a container of the image, run by the node running these tests. */
  const nodeArgs = (service: ComposeService, argv: string[]) => {
    const [command, ...args] = argv;
    expect(command, `${service.name} runs ${command}`).toBe("node");
    return args.map((arg) => toHostPath(arg, service, image.workdir));
  };
  /** `node <file>` from the image's working directory; its health check noted for the test that runs it. */
  const startNode = (service: ComposeService, ready: RegExp) => {
    const check = service.healthcheck.disabled
      ? undefined
      : (service.healthcheck.command ?? image.healthcheck);
    healthchecks.set(
      service.name,
      check && {
        args: nodeArgs(service, check).map((arg) => toContainerLocal(arg, service.name)),
        env: environment(service),
      },
    );
    return startServiceProcess({
      name: service.name,
      command: process.execPath,
      args: nodeArgs(service, service.command ?? image.cmd),
      cwd: appDir,
      env: environment(service),
      ready,
    });
  };

  // redis: the compose command, listening on its loopback port.
  const redis = byName(services, "redis");
  const [redisCommand, ...redisArgs] = redis.command ?? [];
  expect(redisCommand).toBe("redis-server");
  processes.push(
    await startServiceProcess({
      name: "redis",
      command: "redis-server",
      args: [...redisArgs, "--port", String(ports.get("redis")), "--bind", "127.0.0.1"],
      cwd: sandbox,
      env: { PATH: "/usr/bin:/bin" },
      ready: READY.redis,
    }),
  );

  // mock-gateway: the compose command; its --host and --port are its listening address.
  const mock = byName(services, "mock-gateway");
  const mockArgs = [...(mock.command ?? [])];
  const hostFlag = mockArgs.indexOf("--host");
  const portFlag = mockArgs.indexOf("--port");
  expect(hostFlag, "mock-gateway sets --host").toBeGreaterThan(0);
  expect(mockArgs[portFlag + 1], "mock-gateway listens where compose says").toBe(
    String(CONTAINER_PORTS["mock-gateway"]),
  );
  mockArgs[hostFlag + 1] = "127.0.0.1";
  mockArgs[portFlag + 1] = String(ports.get("mock-gateway"));
  processes.push(await startNode({ ...mock, command: mockArgs }, READY.mockGateway));

  const [a, b] = await Promise.all([
    startNode(byName(services, "promptreg-a"), READY.replica),
    startNode(byName(services, "promptreg-b"), READY.replica),
  ]);
  processes.push(a, b);
  replicaUrls = {
    a: `http://127.0.0.1:${ports.get("promptreg-a")}`,
    b: `http://127.0.0.1:${ports.get("promptreg-b")}`,
  };
  processes.push(await startNode(byName(services, "worker"), READY.worker));
  processes.push(await startNginx());
  balancer = `http://127.0.0.1:${ports.get("load-balancer")}`;
}

/**
 * nginx as the compose load-balancer runs it: deploy/nginx/promptreg.conf included in the http block (the official
 * image includes conf.d/*.conf there), upstream host names and the listen port mapped to loopback. One process in
 * the foreground (`master_process off`), so stopping it leaves no worker behind; temp files and logs in the sandbox.
 */
async function startNginx(): Promise<ServiceProcess> {
  const prefix = path.join(sandbox, "nginx");
  await mkdir(prefix);
  const site = toLoopback(await readFile(path.join(repoRoot, "deploy/nginx/promptreg.conf"), "utf8"));
  const listen = /^(\s*listen\s+)(\d+)\s*;/m;
  expect(site.match(listen)?.[2], "nginx listens where compose publishes it").toBe(
    String(CONTAINER_PORTS["load-balancer"]),
  );
  await writeFile(
    path.join(prefix, "promptreg.conf"),
    site.replace(listen, `$1127.0.0.1:${ports.get("load-balancer")};`),
  );
  await writeFile(
    path.join(prefix, "nginx.conf"),
    `daemon off;
master_process off;
pid ${prefix}/nginx.pid;
error_log stderr notice;
events { worker_connections 512; }
http {
  access_log ${prefix}/access.log;
  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  include ${prefix}/promptreg.conf;
}
`,
  );
  return startServiceProcess({
    name: "load-balancer",
    command: NGINX,
    args: ["-p", prefix, "-c", path.join(prefix, "nginx.conf"), "-e", "stderr"],
    cwd: prefix,
    env: { PATH: "/usr/sbin:/usr/bin:/bin" },
    // nginx says nothing once it listens; `notice` logs the start of its (only) process.
    ready: /start worker process|using the "epoll" event method/,
  });
}

beforeAll(async () => {
  sandbox = await mkdtemp(path.join(tmpdir(), "promptreg-compose-"));
  appDir = path.join(sandbox, "app");
  await copySharedImageTree({ cacheDir: inject("imageTreeCache"), destination: appDir });
  await startStack();
});

afterAll(async () => {
  // Stopped in reverse order of start, each even when another failed to stop.
  for (const running of processes.reverse()) await running.stop().catch(() => {});
  if (sandbox) await rm(sandbox, { recursive: true, force: true });
});

type Client = { keyId: string; secret: string };

function signed(
  client: Client,
  method: string,
  pathAndQuery: string,
  body?: unknown,
): { method: string; headers: Record<string, string>; body?: string } {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers = signRequest({
    ...client,
    method,
    pathAndQuery,
    nonce: createNonce(),
    ...(text === undefined ? {} : { body: text }),
  });
  return text === undefined
    ? { method, headers }
    : { method, headers: { ...headers, "content-type": "application/json" }, body: text };
}

async function json(response: Response): Promise<{ status: number; body: Record<string, unknown> }> {
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
}

/** `http_server_request_duration_seconds_count` of one replica, summed over the series matching route and status. */
async function requestCount(url: string, route: string, status?: number): Promise<number> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of metrics.split("\n")) {
    if (!line.startsWith("http_server_request_duration_seconds_count{")) continue;
    if (!line.includes(`route="${route}"`)) continue;
    if (status !== undefined && !line.includes(`status="${status}"`)) continue;
    total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

describe("docker-compose.yml profile scaled, on loopback without Docker", () => {
  it("is ready through the load balancer", async () => {
    const { status, body } = await json(await fetch(`${balancer}/readyz`));
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ checks: { redis: "ok" } });
  });

  it("has Prometheus scrape both replicas and the worker where they listen (deploy/prometheus/prometheus.yml)", async () => {
    const file = path.join(repoRoot, "deploy", "prometheus", "prometheus.yml");
    const checked = await runCommand("promtool", ["check", "config", "--syntax-only", file], {
      cwd: sandbox,
    });
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    const config = parseYaml(await readFile(file, "utf8")) as {
      scrape_configs: { job_name: string; dns_sd_configs: { names: string[]; port: number }[] }[];
    };
    const scraped = (job: string) =>
      (config.scrape_configs.find((entry) => entry.job_name === job)?.dns_sd_configs ?? []).flatMap((sd) =>
        sd.names.map((name) => `${name}:${sd.port}`),
      );
    const services = composeServices(await readFile(path.join(repoRoot, "docker-compose.yml"), "utf8"), {
      variables: { REDIS_PASSWORD },
      profile: PROFILE,
    });
    const image = imageRuntime(await readFile(path.join(repoRoot, "Dockerfile"), "utf8"));
    for (const name of ["promptreg-a", "promptreg-b"]) {
      const port = byName(services, name).environment.PORT ?? image.env.PORT;
      expect(scraped("promptreg"), name).toContain(`${name}:${port}`);
    }
    // alerts.yml reads job="promptreg" as the HTTP replicas; the worker has a job of its own.
    expect(scraped("promptreg-worker")).toEqual([
      `worker:${byName(services, "worker").environment.PROMPTREG_WORKER_PORT}`,
    ]);
  });

  it("passes the health check of every container built from the image (the Dockerfile's, unless compose's)", async () => {
    expect([...healthchecks.keys()].sort()).toEqual(["mock-gateway", "promptreg-a", "promptreg-b", "worker"]);
    // Every one of them has a check: the worker's probes its own /readyz on PROMPTREG_WORKER_PORT.
    expect([...healthchecks.values()].every((check) => check !== undefined)).toBe(true);
    for (const [name, check] of healthchecks) {
      if (!check) continue;
      const result = await runCommand(process.execPath, check.args, {
        cwd: appDir,
        env: check.env,
        timeoutMs: 60_000,
      });
      expect(result.code, `${name}'s health check: ${result.stdout}${result.stderr}`).toBe(0);
    }
  });

  it("spreads signed renders over both replicas", async () => {
    const before = {
      a: await requestCount(replicaUrls.a, "/v1/render", 200),
      b: await requestCount(replicaUrls.b, "/v1/render", 200),
    };
    const renders = 10;
    for (let i = 0; i < renders; i++) {
      const body = { ref: "support/summarize-ticket@production", input: { ticket: `Ticket ${i}` } };
      const { status, body: answer } = await json(
        await fetch(`${balancer}/v1/render`, signed(CLIENT, "POST", "/v1/render", body)),
      );
      expect(status, JSON.stringify(answer)).toBe(200);
    }
    const served = {
      a: (await requestCount(replicaUrls.a, "/v1/render", 200)) - before.a,
      b: (await requestCount(replicaUrls.b, "/v1/render", 200)) - before.b,
    };
    expect(served.a + served.b).toBe(renders);
    expect(served.a, JSON.stringify(served)).toBeGreaterThan(0);
    expect(served.b, JSON.stringify(served)).toBeGreaterThan(0);
  });

  it("refuses through the load balancer and on replica b a nonce used once on replica a", async () => {
    const captured = signed(CLIENT, "GET", "/v1/stats");
    expect((await json(await fetch(`${replicaUrls.a}/v1/stats`, captured))).status).toBe(200);
    for (const url of [balancer, balancer, replicaUrls.b]) {
      const { status, body } = await json(await fetch(`${url}/v1/stats`, captured));
      expect(status, url).toBe(401);
      expect(body).toMatchObject({ error: { code: "replayed_nonce" } });
    }
  });

  it("holds one client's rate limit across both replicas", async () => {
    const before = {
      a: await requestCount(replicaUrls.a, "/v1/stats"),
      b: await requestCount(replicaUrls.b, "/v1/stats"),
    };
    const statuses: number[] = [];
    for (let i = 0; i < LIMITED_RPM + 2; i++) {
      const response = await fetch(`${balancer}/v1/stats`, signed(LIMITED, "GET", "/v1/stats"));
      await response.text();
      statuses.push(response.status);
    }
    expect(statuses).toEqual([...Array<number>(LIMITED_RPM).fill(200), 429, 429]);
    // Both replicas answered some of them: the budget is the client's, not each replica's.
    expect((await requestCount(replicaUrls.a, "/v1/stats")) - before.a).toBeGreaterThan(0);
    expect((await requestCount(replicaUrls.b, "/v1/stats")) - before.b).toBeGreaterThan(0);
  });

  it("runs a batch submitted through the load balancer in the worker, every item with its result", async () => {
    const items = Array.from({ length: 6 }, (_, index) => ({
      ref: "support/summarize-ticket@production",
      input: { ticket: `Batch ticket ${index}: the invoice is wrong.` },
      metadata: { row: index },
    }));
    const submitted = await json(
      await fetch(`${balancer}/v1/batches`, signed(CLIENT, "POST", "/v1/batches", { items })),
    );
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const id = String(submitted.body.id);
    let status: Record<string, unknown> = {};
    await expect
      .poll(
        async () => {
          status = (
            await json(
              await fetch(`${balancer}/v1/batches/${id}`, signed(CLIENT, "GET", `/v1/batches/${id}`)),
            )
          ).body;
          return status.status;
        },
        { timeout: 120_000, interval: 250 },
      )
      .toBe("completed");
    expect(status.counts).toMatchObject({ total: items.length, succeeded: items.length, failed: 0 });
    const page = await json(
      await fetch(`${balancer}/v1/batches/${id}/results`, signed(CLIENT, "GET", `/v1/batches/${id}/results`)),
    );
    expect(page.status).toBe(200);
    const results = page.body.items as {
      index: number;
      status: string;
      metadata: unknown;
      output: unknown;
    }[];
    expect(results.map((result) => result.index)).toEqual(items.map((_, index) => index));
    for (const result of results) {
      expect(result.status).toBe("succeeded");
      expect(result.metadata).toEqual({ row: result.index });
      expect(result.output).toBeDefined();
    }
    // The replicas run no items (PROMPTREG_BATCH_WORKER=off): the worker finished the batch.
    const finished = (name: string) =>
      processes
        .find((running) => running.name === name)
        ?.output()
        .split("\n")
        .some((line) => line.includes(`"batchId":"${id}"`) && line.includes("batch finished"));
    // Logged after the write that completed the batch, so possibly after the status said so.
    await expect.poll(() => finished("worker"), { timeout: 30_000 }).toBe(true);
    expect(finished("promptreg-a") || finished("promptreg-b")).toBe(false);
    // And runs no worker at all: the items counter exists only in a process that runs one.
    for (const url of [replicaUrls.a, replicaUrls.b]) {
      expect(await (await fetch(`${url}/metrics`)).text(), url).not.toContain("promptreg_batch_items_total");
    }
    // The worker's items, and their tokens and cost, are counted on its own endpoint, which Prometheus scrapes.
    // (Counted right after each result is written, so possibly a moment after the status said so.)
    const workerMetrics = () =>
      fetch(`http://127.0.0.1:${ports.get("worker")}/metrics`).then((r) => r.text());
    await expect
      .poll(
        () =>
          workerMetrics().then(
            (text) => /promptreg_batch_items_total\{outcome="succeeded"\} (\d+)/.exec(text)?.[1],
          ),
        {
          timeout: 30_000,
        },
      )
      .toBe(String(items.length));
    expect(await workerMetrics()).toMatch(/promptreg_tokens_total\{[^}]*client="web"/);
  });

  it("passes a batch body over the other routes' body limit through the load balancer, and cancels it", async () => {
    // 24 items of 18,000 characters: over PROMPTREG_BODY_LIMIT_BYTES (256 KiB), well under the batch body limit
    // (PROMPTREG_BATCH_BODY_LIMIT_BYTES, 16 MiB), which the replica checks itself.
    const items = Array.from({ length: 24 }, (_, index) => ({
      ref: "support/summarize-ticket@production",
      input: { ticket: `${index} ${"The invoice total is wrong. ".repeat(640)}`.slice(0, 18_000) },
    }));
    const body = { items, priority: "low" };
    expect(JSON.stringify(body).length).toBeGreaterThan(400 * 1024);
    const submitted = await fetch(`${balancer}/v1/batches`, signed(CLIENT, "POST", "/v1/batches", body));
    const text = await submitted.text();
    expect(submitted.status, text.slice(0, 500)).toBe(202);
    const id = String((JSON.parse(text) as { id: string }).id);
    const cancelled = await json(
      await fetch(`${balancer}/v1/batches/${id}`, signed(CLIENT, "DELETE", `/v1/batches/${id}`)),
    );
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(["cancelling", "cancelled"]).toContain(cancelled.body.status);
  });

  it("streams events through the load balancer unbuffered: the first frame arrives before the stream ends", async () => {
    // The compose mock gateway answers with a real gateway's latency between chunks (deploy/mock-gateway: 200 ms), so
    // the replica writes the frames apart; a buffering proxy would deliver them together with the end of the stream.
    // A text of 60 words makes the mock's echo 8 chunks: over a second between the first frame and the last.
    const body = {
      ref: "localization/translate@1.0.0",
      input: {
        text: Array.from({ length: 60 }, (_, index) => `word${index}`).join(" "),
        target_locale: "de-DE",
      },
      stream: true,
    };
    const response = await fetch(`${balancer}/v1/run`, signed(CLIENT, "POST", "/v1/run", body));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    /** What each read delivered, in order. */
    const reads: string[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      reads.push(decoder.decode(value, { stream: true }));
    }
    const text = reads.join("");
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);
    expect(events[0]).toBe("delta");
    expect(events.at(-1), text).toBe("final");
    expect(events.filter((event) => event === "delta").length).toBeGreaterThanOrEqual(4);
    const firstDelta = reads.findIndex((chunk) => chunk.includes("event: delta"));
    const final = reads.findIndex((chunk) => chunk.includes("event: final"));
    expect(
      firstDelta,
      `the first frame came with the end of the stream: ${JSON.stringify(reads)}`,
    ).toBeLessThan(final);
  });
});
