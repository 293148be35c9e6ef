import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createNonce, signRequest } from "@promptreg/signing";
import { type RedisHandle, type ServerProcess, startRedis, startServerProcess } from "@promptreg/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_TEMPLATES } from "./harness.js";

// Two real service processes sharing one real Redis (its own server: the test stops and restarts it), as two
// replicas behind a load balancer. The Redis password must never show in a log line, an answer or /readyz.
const REDIS_PASSWORD = "redis-pw-7f3a9c1e5b";
const CLIENT = { keyId: "app", secret: "app-secret-0123456789abcdef" };
const LIMITED = { keyId: "limited", secret: "limited-secret-0123456789abcdef" };
const LIMITED_RPM = 6;

let dir: string;
let redis: RedisHandle;
let a: ServerProcess;
let b: ServerProcess;

beforeAll(async () => {
  redis = await startRedis({ password: REDIS_PASSWORD });
  dir = await mkdtemp(path.join(tmpdir(), "promptreg-replicas-"));
  await cp(FIXTURE_TEMPLATES, path.join(dir, "templates"), { recursive: true });
  await writeFile(
    path.join(dir, "clients.yaml"),
    `clients:
  - keyId: ${CLIENT.keyId}
    secrets: ["${CLIENT.secret}"]
  - keyId: ${LIMITED.keyId}
    secrets: ["${LIMITED.secret}"]
    rateLimit: { requestsPerMinute: ${LIMITED_RPM} }
`,
  );
  const env = {
    LOG_LEVEL: "info",
    PROMPTREG_WATCH: "off",
    PROMPTREG_TEMPLATES_DIR: path.join(dir, "templates"),
    PROMPTREG_CLIENT_KEYS_FILE: path.join(dir, "clients.yaml"),
    REDIS_URL: redis.url,
    PROMPTREG_REDIS_KEY_PREFIX: redis.keyPrefix,
  };
  [a, b] = await Promise.all([startServerProcess({ env }), startServerProcess({ env })]);
});

afterAll(async () => {
  await Promise.all([a?.kill(), b?.kill()]);
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

type Headers = Record<string, string>;

function sign(client: { keyId: string; secret: string }, pathAndQuery = "/v1/stats"): Headers {
  return signRequest({ ...client, method: "GET", pathAndQuery, nonce: createNonce() });
}

async function send(server: ServerProcess, headers: Headers, pathAndQuery = "/v1/stats") {
  const response = await fetch(server.url + pathAndQuery, { headers });
  const text = await response.text();
  const body = JSON.parse(text) as { error?: { code: string; details?: Record<string, unknown> } };
  return {
    status: response.status,
    code: body.error?.code ?? "ok",
    text,
    body: body as Record<string, unknown>,
    remaining: response.headers.get("ratelimit-remaining"),
    retryAfter: response.headers.get("retry-after"),
  };
}

async function readyz(server: ServerProcess) {
  const response = await fetch(`${server.url}/readyz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, text: "" };
}

describe("two replicas sharing one Redis (real processes, real Redis)", () => {
  it("are ready with Redis reachable", async () => {
    for (const server of [a, b]) {
      await expect.poll(async () => (await readyz(server)).status, { timeout: 30_000 }).toBe(200);
      expect((await readyz(server)).body).toMatchObject({ checks: { redis: "ok" } });
    }
  });

  it("refuse on one replica a nonce accepted by the other", async () => {
    const captured = sign(CLIENT);
    expect(await send(a, captured)).toMatchObject({ status: 200 });
    expect(await send(b, captured)).toMatchObject({ status: 401, code: "replayed_nonce" });
    expect(await send(a, captured)).toMatchObject({ status: 401, code: "replayed_nonce" });
  });

  it("hold one per-client rate limit across both", async () => {
    const answers = [];
    for (let i = 0; i < LIMITED_RPM + 2; i++) answers.push(await send(i % 2 === 0 ? a : b, sign(LIMITED)));
    // The budget is the client's, not each replica's: 6 accepted over both, then 429 with Retry-After on either.
    expect(answers.map((answer) => answer.status)).toEqual([
      ...Array<number>(LIMITED_RPM).fill(200),
      429,
      429,
    ]);
    expect(answers.slice(0, LIMITED_RPM).map((answer) => Number(answer.remaining))).toEqual([
      5, 4, 3, 2, 1, 0,
    ]);
    for (const refused of answers.slice(LIMITED_RPM)) {
      expect(refused.code).toBe("rate_limited");
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    }
  });

  it("report stats over both replicas, whichever answers", async () => {
    const before = await send(a, sign(CLIENT));
    const window = (answer: typeof before) =>
      (answer.body as { window5m: { requests: number } }).window5m.requests;
    const startCount = window(before);
    await send(b, sign(CLIENT));
    await send(b, sign(CLIENT));
    // The two requests B served (and the stats call itself on A) are counted by A's answer.
    await expect
      .poll(async () => window(await send(a, sign(CLIENT))), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(startCount + 3);
  });

  it("fail closed while Redis is down (503 on /readyz and on signed requests) and recover when it is back", async () => {
    const signedBefore = sign(CLIENT);
    const usedBefore = sign(CLIENT);
    expect(await send(a, usedBefore)).toMatchObject({ status: 200 });

    await redis.stop();
    for (const server of [a, b]) {
      await expect.poll(async () => (await readyz(server)).status, { timeout: 30_000 }).toBe(503);
      const { body } = await readyz(server);
      expect(body).toMatchObject({ status: "not_ready", checks: { redis: "unreachable" } });
      expect((body.reasons as { redis: string }).redis).toMatch(
        /redis at redis:\/\/\[redacted\]@127\.0\.0\.1:\d+/,
      );
      expect(JSON.stringify(body)).not.toContain(REDIS_PASSWORD);
      // Not accepted unchecked, not a 500, not a hang: the typed 503 with Retry-After.
      const refused = await send(server, sign(CLIENT));
      expect(refused).toMatchObject({ status: 503, code: "shared_state_unavailable" });
      expect(refused.retryAfter).toBe("1");
      expect(refused.text).not.toContain(REDIS_PASSWORD);
      expect(refused.text).not.toContain("127.0.0.1");
    }

    await redis.restart();
    for (const server of [a, b])
      await expect.poll(async () => (await readyz(server)).status, { timeout: 30_000 }).toBe(200);
    // Redis came back empty: requests signed before it did are refused as possible replays, the one accepted
    // before the outage included, on either replica.
    expect(await send(b, usedBefore)).toMatchObject({ status: 401, code: "stale_timestamp" });
    expect(await send(a, signedBefore)).toMatchObject({ status: 401, code: "stale_timestamp" });
    // Requests signed from the second after Redis came back are served.
    for (const server of [a, b])
      await expect.poll(async () => (await send(server, sign(CLIENT))).status, { timeout: 30_000 }).toBe(200);
  });

  it("never write the Redis password to a log line", () => {
    const logs = a.stdout() + a.stderr() + b.stdout() + b.stderr();
    expect(logs).toContain("redis unreachable");
    expect(logs).toContain("redis://[redacted]@127.0.0.1");
    expect(logs).not.toContain(REDIS_PASSWORD);
  });
});
