import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createNonce, signRequest } from "@promptreg/signing";
import { type RedisHandle, startRedis } from "@promptreg/test-kit";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/http/logger.js";
import { createService, type Service } from "../src/service.js";

// What one signed request costs Redis, counted by Redis itself: its own server (no other test's traffic), the
// service in-process with authentication on, and INFO read before and after a run of sequential requests.
// `total_reads_processed` counts the reads of client sockets the server handled: one per round trip (a pipeline
// arrives in one read); `commandstats` counts the commands.
const templatesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../templates");
const CLIENT = { keyId: "trips", secret: "trips-secret-0123456789abcdef" };
const REQUESTS = 40;

let redis: RedisHandle;
let probe: Redis;
let service: Service;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  redis = await startRedis({ dedicated: true });
  probe = new Redis(redis.url, { maxRetriesPerRequest: 0 });
  const config = loadConfig({
    env: {
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      PROMPTREG_TEMPLATES_DIR: templatesDir,
      PROMPTREG_WATCH: "off",
      PROMPTREG_CLIENT_KEYS: `${CLIENT.keyId}:${CLIENT.secret}`,
      REDIS_URL: redis.url,
      PROMPTREG_REDIS_KEY_PREFIX: redis.keyPrefix,
      PROMPTREG_BATCH_WORKER: "off",
      // No timed flush during the test: it flushes when told (close), so the counts are the requests' own.
      PROMPTREG_REDIS_STATS_FLUSH_MS: "3600000",
    },
  });
  service = await createService({ config, logger: createLogger({ level: "silent" }), publicUrl: "" });
  const loaded = await service.registry.reload();
  if (!loaded.ok) throw loaded.error;
  server = service.app.listen(0, "127.0.0.1");
  await once(server, "listening");
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await service?.close();
  probe?.disconnect();
  await redis?.stop();
});

async function render(headers?: Record<string, string>) {
  const body = JSON.stringify({
    ref: "localization/translate",
    input: { text: "Hello", target_locale: "fr-FR", glossary: [] },
  });
  const signed =
    headers ??
    signRequest({ ...CLIENT, method: "POST", pathAndQuery: "/v1/render", body, nonce: createNonce() });
  const response = await fetch(`${baseUrl}/v1/render`, {
    method: "POST",
    headers: { ...signed, "content-type": "application/json" },
    body,
  });
  await response.arrayBuffer();
  return { status: response.status, headers: signed };
}

/** The server's read count and its per-command call counts (`cmdstat_evalsha` -> `evalsha`). */
async function redisCounters() {
  const stats = await probe.info("stats");
  const commands = await probe.info("commandstats");
  const reads = Number(/total_reads_processed:(\d+)/.exec(stats)?.[1]);
  const calls = new Map<string, number>();
  for (const [, name, count] of commands.matchAll(/cmdstat_(\S+?):calls=(\d+)/g))
    calls.set(name!, Number(count));
  return { reads, calls };
}

function callsDelta(before: Map<string, number>, after: Map<string, number>) {
  const delta: Record<string, number> = {};
  for (const [name, count] of after) {
    const added = count - (before.get(name) ?? 0);
    if (added > 0) delta[name] = added;
  }
  return delta;
}

describe("Redis round trips per signed request", () => {
  it("is one: the replay check, the rate limit and the nonce in one script; stats wait for the flush", async () => {
    expect((await render()).status).toBe(200); // warm: the script is loaded (EVALSHA's first miss is an EVAL)
    const before = await redisCounters();
    for (let i = 0; i < REQUESTS; i++) expect((await render()).status).toBe(200);
    const after = await redisCounters();
    // The two INFO calls of the second snapshot are two reads of their own.
    expect(after.reads - before.reads - 2).toBe(REQUESTS);
    // commandstats also counts the commands a script runs: one EVALSHA per request is the one top-level command,
    // and no XADD (stats wait for the flush).
    const calls = callsDelta(before.calls, after.calls);
    expect(calls).toMatchObject({ evalsha: REQUESTS, incrby: REQUESTS, zadd: REQUESTS });
    expect(calls.xadd).toBeUndefined();
  });

  it("still refuses a replay, uncharged, in that one round trip", async () => {
    const first = await render();
    const before = await redisCounters();
    expect((await render(first.headers)).status).toBe(401);
    const after = await redisCounters();
    expect(after.reads - before.reads - 2).toBe(1);
    const calls = callsDelta(before.calls, after.calls);
    expect(calls).toMatchObject({ evalsha: 1, zscore: 1 });
    expect(calls.incrby).toBeUndefined();
    const counter = await probe.keys(`${redis.keyPrefix}ratelimit:*`);
    expect(counter).toHaveLength(1);
    // Every accepted request so far was charged (warm-up, the run, `first`); the replay was not.
    expect(Number(await probe.get(counter[0]!))).toBe(REQUESTS + 2);
  });

  it("sends the buffered stats samples in one round trip when flushed (here: on close)", async () => {
    const before = await redisCounters();
    await service.close();
    const after = await redisCounters();
    // One pipeline, written at once; Redis reads at most 16 KB per read, so ~15 KB of samples may take two reads,
    // never one per sample.
    expect(after.reads - before.reads - 2).toBeLessThanOrEqual(3);
    // One sample per answered request: warm-up, the run, the replayed pair.
    expect(callsDelta(before.calls, after.calls)).toMatchObject({ xadd: REQUESTS + 3 });
    expect(await probe.xlen(`${redis.keyPrefix}stats`)).toBe(REQUESTS + 3);
  });
});
