import {
  checkNonceCapacity,
  type NonceStore,
  type RememberNonceInput,
  type RememberOutcome,
} from "@promptreg/signing";
import type { Redis } from "ioredis";
import { SharedStateUnavailableError } from "../errors/shared-state-unavailable-error.js";
import type { SignedAdmissionStore } from "../logic/signed-admission.js";
import { decisionFromWindow, RATE_LIMIT_WINDOW_SECONDS, rateLimitKey } from "./redis-rate-limit-store.js";

/**
 * One step per signed request, atomic in Redis and one round trip: the replay check, the client's rate limit, then
 * the nonce, in the order `admitRequest` (logic/authenticate.ts) defines, so a replay is refused before it is charged
 * and a request the rate limit refuses never stores its nonce.
 * 1. Replay: a live nonce (score = expiry in ms, in a sorted set per key id) is refused, uncharged.
 * 2. Rate limit (only when ARGV[6], the budget, is given): rate-limiter-flexible's RateLimiterRedis counter, the same
 *    commands on the same key (`createRedisRateLimitStore` reads and charges that key too): a fixed window of ARGV[7]
 *    seconds. Over budget: refused, the nonce not stored.
 * 3. The nonce, by the memory store's rules (packages/signing nonce-store.ts): first the epoch (Redis here keeps
 *    nothing on disk, so after a restart every nonce is gone; the first step after it records a new epoch, and
 *    requests signed before it are refused: they could be replays of requests accepted before the restart, as the
 *    memory store's service refuses requests signed before the process started); then expired nonces leave, a full
 *    space refuses (never evicts a live nonce) with the earliest expiry for Retry-After, else the nonce is added and
 *    the set's TTL covers its newest member.
 * Returns {code, value, consumed, windowMs}: code 0 stored, 1 replayed, 2 full (value = earliest expiry in ms),
 * 3 signed before the epoch (value = epoch seconds), 4 over the rate limit; consumed and windowMs are the rate-limit
 * counter and its time left (0 when no budget was given).
 */
const ADMIT_LUA = `
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local capacity = tonumber(ARGV[3])
local live = redis.call('ZSCORE', KEYS[1], ARGV[4])
if live and tonumber(live) > now then return {1, 0, 0, 0} end
local consumed = 0
local windowMs = 0
if ARGV[6] ~= '' then
  local window = tonumber(ARGV[7])
  redis.call('SET', KEYS[3], 0, 'EX', window, 'NX')
  consumed = redis.call('INCRBY', KEYS[3], 1)
  windowMs = redis.call('PTTL', KEYS[3])
  if windowMs == -1 then
    redis.call('EXPIRE', KEYS[3], window)
    windowMs = 1000 * window
  end
  if consumed > tonumber(ARGV[6]) then return {4, 0, consumed, windowMs} end
end
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  epoch = math.ceil(now / 1000)
  redis.call('SET', KEYS[2], epoch)
end
epoch = tonumber(epoch)
if ARGV[5] ~= '' and tonumber(ARGV[5]) < epoch then return {3, epoch, consumed, windowMs} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= capacity then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {2, first[2], consumed, windowMs}
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[4])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return {0, 0, consumed, windowMs}
`;

const COMMAND = "promptregAdmitSigned";

type AdmitCommand = (
  setKey: string,
  epochKey: string,
  rateLimitKey: string,
  nowMs: number,
  ttlMs: number,
  capacity: number,
  nonce: string,
  signedAtSeconds: string,
  requestsPerMinute: string,
  windowSeconds: number,
) => Promise<[number, number | string, number, number]>;

export interface RedisNonceStore extends NonceStore, SignedAdmissionStore {
  /**
   * Waits (at most `timeoutMs` for the connection, then at most 1 s) until the epoch's second has begun, as the
   * memory store's service waits for its start second: a client with a synchronised clock that signs once the service
   * answers is never refused as signed before the epoch. Never throws; with Redis down it returns at the timeout.
   */
  settle(timeoutMs: number): Promise<void>;
}

/**
 * The nonce store shared by every replica. Keys: `<prefix>nonces:<keyId>` (one sorted set per client; the number of
 * sets is bounded by the configured credentials, since a nonce is stored only after its HMAC verified) and
 * `<prefix>nonces-epoch`. `admit` also charges the client's rate limit (`rateLimitKey`), all in one script: one
 * round trip per signed request. Any Redis failure (down, timeout, refused) throws `SharedStateUnavailableError`: the
 * request is refused, never let through unchecked. Redis must not evict keys (`maxmemory-policy noeviction`,
 * docs/scaling.md).
 */
export function createRedisNonceStore({
  client,
  keyPrefix,
  now = Date.now,
}: {
  client: Redis;
  keyPrefix: string;
  /** Clock in milliseconds; replicas' clocks need only agree within seconds (nonces live 600 s or more). */
  now?: () => number;
}): RedisNonceStore {
  client.defineCommand(COMMAND, { numberOfKeys: 3, lua: ADMIT_LUA });
  const script = (client as unknown as Record<string, AdmitCommand>)[COMMAND]!.bind(client);
  const setKey = (keyId: string) => `${keyPrefix}nonces:${keyId}`;
  const epochKey = `${keyPrefix}nonces-epoch`;
  const unavailable = (cause: unknown) => new SharedStateUnavailableError({ store: "nonces", cause });
  // The epoch is recorded as soon as a connection is ready (at start and after every reconnection), so after a Redis
  // restart it is the moment the replicas came back rather than the first request's, and only requests signed
  // within that second are refused. SET NX: the first replica back sets it, the others keep it. A failure here costs
  // nothing: the script records the epoch itself when it is missing.
  const recordEpoch = () => {
    client.set(epochKey, Math.ceil(now() / 1000), "NX").catch(() => {});
  };
  client.on("ready", recordEpoch);
  if (client.status === "ready") recordEpoch();

  /** One run of the script; without a budget it takes the replay and nonce steps only (`remember`). */
  const run = async (
    { keyId, nonce, ttlSeconds, capacity, signedAtSeconds }: RememberNonceInput,
    requestsPerMinute?: number,
  ) => {
    checkNonceCapacity(capacity);
    const at = now();
    let reply: [number, number | string, number, number];
    try {
      reply = await script(
        setKey(keyId),
        epochKey,
        // Never touched without a budget; a key of this store keeps the script's keys on one Redis node.
        requestsPerMinute === undefined ? epochKey : rateLimitKey({ keyPrefix, requestsPerMinute, keyId }),
        at,
        ttlSeconds * 1000,
        capacity,
        nonce,
        signedAtSeconds === undefined ? "" : String(signedAtSeconds),
        requestsPerMinute === undefined ? "" : String(requestsPerMinute),
        RATE_LIMIT_WINDOW_SECONDS,
      );
    } catch (error) {
      throw unavailable(error);
    }
    const [code, value, consumed, msBeforeNext] = reply;
    const stored: RememberOutcome | undefined =
      code === 0
        ? { outcome: "stored" }
        : code === 1
          ? { outcome: "replayed" }
          : code === 2
            ? { outcome: "full", retryAfterSeconds: Math.max(1, Math.ceil((Number(value) - at) / 1000)) }
            : code === 3
              ? { outcome: "signed_before_start", startedAtSeconds: Number(value) }
              : undefined;
    return { stored, consumed, msBeforeNext };
  };

  return {
    async settle(timeoutMs) {
      try {
        if (client.status !== "ready") {
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error("not ready")), timeoutMs);
            client.once("ready", () => {
              clearTimeout(timer);
              resolve();
            });
          });
        }
        await client.set(epochKey, Math.ceil(now() / 1000), "NX");
        const wait = Number(await client.get(epochKey)) * 1000 - now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 1_000)));
      } catch {
        // Redis is not there yet: the service starts not ready, and requests are refused until it is.
      }
    },
    async seen(keyId, nonce) {
      let score: string | null;
      try {
        score = await client.zscore(setKey(keyId), nonce);
      } catch (error) {
        throw unavailable(error);
      }
      return score !== null && Number(score) > now();
    },
    async remember(input) {
      const { stored } = await run(input);
      // Without a budget the script never answers "over the rate limit".
      return stored ?? { outcome: "stored" };
    },
    async admit({ requestsPerMinute, ...input }) {
      const { stored, consumed, msBeforeNext } = await run(input, requestsPerMinute);
      if (stored?.outcome === "replayed") return { step: "replayed" };
      const limit = decisionFromWindow({ requestsPerMinute, consumed, msBeforeNext });
      // The script stops before the nonce exactly when the budget is spent (code 4, no outcome).
      if (!stored) return { step: "rate_limited", limit };
      return { step: "charged", limit, stored };
    },
  };
}
