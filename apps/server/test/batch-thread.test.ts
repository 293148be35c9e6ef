import { once } from "node:events";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { createPrometheusTelemetry } from "@promptreg/gateway";
import { signRequest } from "@promptreg/signing";
import { type RedisHandle, startRedis } from "@promptreg/test-kit";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startBatchThread } from "../src/batch-thread/start-batch-thread.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/http/logger.js";
import { createService, type Service } from "../src/service.js";
import { startSimulatedGateway } from "../src/simulated-gateway.js";
import {
  CLIENT_KEYS_YAML,
  capturedLogLines,
  capturingLogger,
  FIXTURE_TEMPLATES,
  GATEWAY_TEST_KEY,
  SECRETS,
  sentSignatures,
} from "./harness.js";

/**
 * An OpenAI-compatible upstream on a worker thread of its own, so it answers while the test's (and the in-process
 * service's) main thread is blocked; `calls[0]` counts the chat requests it answered.
 */
async function startThreadUpstream(): Promise<{ url: string; calls: Int32Array; stop(): Promise<number> }> {
  const calls = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `
    const { createServer } = require("node:http");
    const { parentPort, workerData } = require("node:worker_threads");
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        Atomics.add(workerData.calls, 0, 1);
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({
          id: "chatcmpl-thread", object: "chat.completion", model: "openai/gpt-4o-mini",
          choices: [{ index: 0, message: { role: "assistant", content: "Hello from the upstream." }, finish_reason: "stop" }],
          usage: { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 },
        }));
      });
    });
    server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));
    parentPort.on("message", () => server.close(() => process.exit(0)));
    `,
    { eval: true, workerData: { calls } },
  );
  const [port] = (await once(worker, "message")) as [number];
  return {
    url: `http://127.0.0.1:${port}/v1`,
    calls,
    stop: async () => {
      worker.postMessage("stop");
      const [code] = (await once(worker, "exit")) as [number];
      return code;
    },
  };
}

/** The niceness of each thread of this process (Linux: field 19 of /proc/self/task/<tid>/stat). */
async function threadNiceness(): Promise<number[]> {
  const tids = await readdir("/proc/self/task");
  const values: number[] = [];
  for (const tid of tids) {
    const stat = await readFile(`/proc/self/task/${tid}/stat`, "utf8").catch(() => "");
    // The command name (field 2) may hold spaces; count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields.length > 16) values.push(Number(fields[16]));
  }
  return values;
}

const loggedLines = () =>
  capturedLogLines.map((line) => JSON.parse(line) as Record<string, unknown> & { msg?: string });

interface Running {
  service: Service;
  url: string;
  /** A request signed as client app-main; GET without a body, POST with one. */
  call(pathAndQuery: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

/** The whole service (createService, as main.ts assembles it) on a loopback port, on Redis under its own prefix. */
async function startService(
  env: Record<string, string>,
  options: { simulatedGateway?: typeof startSimulatedGateway } = {},
): Promise<Running> {
  const config = loadConfig({
    env: {
      NODE_ENV: "test",
      PROMPTREG_TEMPLATES_DIR: FIXTURE_TEMPLATES,
      PROMPTREG_WATCH: "off",
      PROMPTREG_CLIENT_KEYS_FILE: path.join(dir, "clients.yaml"),
      REDIS_URL: redis.url,
      ...env,
    },
  });
  const service = await createService({
    config,
    logger: capturingLogger("info"),
    publicUrl: "http://test",
    ...options,
  });
  const loaded = await service.registry.reload();
  if (!loaded.ok) throw loaded.error;
  const server: Server = service.app.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The Redis nonce store refuses requests signed before the second its key prefix was first seen.
  await new Promise((resolve) => setTimeout(resolve, 1_005 - (Date.now() % 1_000)));
  return {
    service,
    url,
    call: (pathAndQuery, body) => {
      const text = body === undefined ? "" : JSON.stringify(body);
      const method = body === undefined ? "GET" : "POST";
      const headers = signRequest({
        keyId: "app-main",
        secret: SECRETS.main,
        method,
        pathAndQuery,
        body: text,
      });
      sentSignatures.push(headers["X-Promptreg-Signature"].slice(3));
      return fetch(url + pathAndQuery, {
        method,
        headers: { ...headers, ...(text ? { "content-type": "application/json" } : {}) },
        body: text || undefined,
      });
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await service.close();
    },
  };
}

/** Polls a batch's status until it is completed. */
function completed(running: Running, id: string): Promise<{ counts: { succeeded: number; failed: number } }> {
  return vi.waitFor(
    async () => {
      const body = (await (await running.call(`/v1/batches/${id}`)).json()) as {
        status: string;
        counts: { succeeded: number; failed: number };
      };
      if (body.status !== "completed") throw new Error(`still ${body.status}`);
      return body;
    },
    { timeout: 60_000, interval: 100 },
  );
}

let redis: RedisHandle;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "promptreg-batch-thread-"));
  await writeFile(path.join(dir, "clients.yaml"), CLIENT_KEYS_YAML);
  redis = await startRedis();
});

afterAll(async () => {
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("the service's batch worker thread", () => {
  it("runs items while the service's main thread is blocked, at niceness 10, and reports items, gateway metrics and logs to the service", async () => {
    const upstream = await startThreadUpstream();
    let running: Running | undefined;
    try {
      running = await startService({
        GATEWAY_BASE_URL: upstream.url,
        GATEWAY_API_KEY: GATEWAY_TEST_KEY,
        PROMPTREG_REDIS_KEY_PREFIX: `${redis.keyPrefix}thread:`,
      });
      const started = await vi.waitFor(
        () => {
          const line = loggedLines().find((entry) => entry.msg === "batch worker thread started");
          if (!line) throw new Error("the batch worker thread has not started");
          return line;
        },
        { timeout: 60_000, interval: 100 },
      );
      expect(started.nice).toBe(process.platform === "linux" ? 10 : 0);
      if (process.platform === "linux") expect(await threadNiceness()).toContain(10);

      const items = Array.from({ length: 8 }, (_, i) => ({
        ref: "support/greet@1",
        input: { name: `user ${i}` },
      }));
      const submitted = await running.call("/v1/batches", { items });
      expect(submitted.status).toBe(202);
      const { id } = (await submitted.json()) as { id: string };

      // Block this thread, where the service's HTTP handlers and timers run, until the upstream has answered every
      // item. A worker on this event loop could not call it even once; the bound only stops a hang.
      const giveUpAt = Date.now() + 90_000;
      while (Atomics.load(upstream.calls, 0) < items.length && Date.now() < giveUpAt) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      }
      expect(Atomics.load(upstream.calls, 0)).toBe(items.length);

      expect((await completed(running, id)).counts.succeeded).toBe(items.length);
      // Items are counted as the thread's messages arrive, which may trail the status read from Redis a moment.
      const url = running.url;
      const metrics = await vi.waitFor(
        async () => {
          const text = await (await fetch(`${url}/metrics`)).text();
          if (!/promptreg_batch_items_total\{outcome="succeeded"\} 8\b/.test(text))
            throw new Error("not counted yet");
          return text;
        },
        { timeout: 30_000, interval: 50 },
      );
      // The thread's gateway calls count in the service's own gateway metrics, labelled by template.
      expect(metrics).toMatch(
        /gen_ai_client_operation_duration_seconds_count\{[^}]*template="support\/greet"[^}]*\} 8\b/,
      );
      expect(metrics).toMatch(
        /promptreg_tokens_total\{[^}]*template="support\/greet"[^}]*type="input"[^}]*\} 56\b/,
      );
      expect(
        loggedLines().some((entry) => entry.msg === "batch finished" && entry.thread === "batch-worker"),
      ).toBe(true);
    } finally {
      await running?.close();
      expect(await upstream.stop()).toBe(0);
    }
  });

  it("in development without a gateway key, runs items against the simulated gateway the service started", async () => {
    const running = await startService(
      { NODE_ENV: "development", PROMPTREG_REDIS_KEY_PREFIX: `${redis.keyPrefix}simulated:` },
      { simulatedGateway: startSimulatedGateway },
    );
    try {
      expect(running.service.gatewayMode).toBe("simulated");
      const items = [0, 1].map((i) => ({ ref: "support/greet@1", input: { name: `user ${i}` } }));
      const submitted = await running.call("/v1/batches", { items });
      expect(submitted.status).toBe(202);
      const { id } = (await submitted.json()) as { id: string };
      // Without the service's simulated gateway the thread would have no gateway, and both items would fail.
      expect((await completed(running, id)).counts).toMatchObject({ succeeded: 2, failed: 0 });
    } finally {
      await running.close();
    }
  });

  it("shows the thread's circuit breakers apart from the service's in /metrics, both at once", async () => {
    // An upstream that fails every call: one failed attempt opens a breaker (GATEWAY_CIRCUIT_MIN_REQUESTS=1).
    const upstream = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(503, { "content-type": "application/json" }).end("{}"));
    });
    upstream.listen(0, "127.0.0.1");
    await once(upstream, "listening");
    let running: Running | undefined;
    try {
      running = await startService({
        GATEWAY_BASE_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`,
        GATEWAY_API_KEY: GATEWAY_TEST_KEY,
        GATEWAY_MAX_ATTEMPTS: "1",
        GATEWAY_CIRCUIT_MIN_REQUESTS: "1",
        PROMPTREG_BATCH_ATTEMPTS: "1",
        PROMPTREG_REDIS_KEY_PREFIX: `${redis.keyPrefix}circuits:`,
      });
      const submitted = await running.call("/v1/batches", {
        items: [{ ref: "support/greet@1", input: { name: "batch" } }],
      });
      expect(submitted.status).toBe(202);
      const { id } = (await submitted.json()) as { id: string };
      expect((await completed(running, id)).counts).toMatchObject({ succeeded: 0, failed: 1 });
      const run = await running.call("/v1/run", { ref: "support/greet@1", input: { name: "service" } });
      expect(run.status).toBe(503);

      const url = running.url;
      const series = (client: string) =>
        new RegExp(
          `gateway_client_circuit_state\\{gen_ai_request_model="openai/gpt-4o-mini",gateway_client="${client}"\\} 2\\n`,
        );
      // The thread's events arrive as messages, which may trail the batch's status in Redis a moment.
      const metrics = await vi.waitFor(
        async () => {
          const text = await (await fetch(`${url}/metrics`)).text();
          if (!series("batch").test(text)) throw new Error("the thread's breaker is not shown yet");
          return text;
        },
        { timeout: 30_000, interval: 50 },
      );
      expect(metrics).toMatch(series("service"));
      expect(metrics.match(/^gateway_client_circuit_state\{/gm)).toHaveLength(2);
    } finally {
      await running?.close();
      upstream.closeAllConnections();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });

  /** A bare thread script: relays one log line, then runs `rest`. */
  const script = (rest: string) => `
    const { parentPort } = require("node:worker_threads");
    parentPort.postMessage({ type: "log", line: JSON.stringify({ level: 40, time: 1, pid: 1, msg: "hello from the thread", n: 1 }) });
    ${rest}`;

  function harness() {
    const lines: string[] = [];
    const logger = createLogger({
      level: "info",
      destination: { write: (line: string) => lines.push(line) },
    });
    const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const config = loadConfig({ env: { NODE_ENV: "test", GATEWAY_API_KEY: GATEWAY_TEST_KEY } });
    const deps = {
      config,
      secrets: {},
      simulatedGatewayUrl: undefined,
      logger,
      recordItem: () => {},
      gatewayEvents: createPrometheusTelemetry({ registry: new Registry() }),
    };
    return { parsed, deps };
  }

  it("a thread that dies is logged with its exit code and started again after a backoff", async () => {
    const { parsed, deps } = harness();
    const thread = startBatchThread({
      ...deps,
      random: () => 0,
      entry: { script: script("setTimeout(() => process.exit(3), 20);"), eval: true },
    });
    try {
      await vi.waitFor(
        () => {
          const hellos = parsed().filter((entry) => entry.msg === "hello from the thread");
          if (hellos.length < 2) throw new Error(`${hellos.length} thread starts`);
        },
        { timeout: 60_000, interval: 50 },
      );
      const hello = parsed().find((entry) => entry.msg === "hello from the thread");
      // Relayed at its own level, marked as the thread's, with the service's own time and name.
      expect(hello).toMatchObject({ level: 40, n: 1, thread: "batch-worker", service: "promptreg-server" });
      expect(hello?.time).not.toBe(1);
      expect(parsed().find((entry) => entry.msg === "batch worker thread stopped; restarting")).toMatchObject(
        {
          level: 50,
          code: 3,
          restartInMs: 500,
        },
      );
    } finally {
      await thread.close({ timeoutMs: 60_000 });
    }
  });

  it("close stops a thread that does not finish within the timeout, and says so", async () => {
    const { parsed, deps } = harness();
    const thread = startBatchThread({
      ...deps,
      entry: { script: script("setInterval(() => {}, 1_000);"), eval: true },
    });
    await vi.waitFor(
      () => {
        if (!parsed().some((entry) => entry.msg === "hello from the thread")) throw new Error("not started");
      },
      { timeout: 60_000, interval: 50 },
    );
    await thread.close({ timeoutMs: 100 });
    expect(parsed().map((entry) => entry.msg)).toContain(
      "batch worker thread still running at the drain timeout; stopping it",
    );
    expect(parsed().map((entry) => entry.msg)).not.toContain("batch worker thread stopped; restarting");
  });
});
