import { checkNonceCapacity, type NonceStore, type RememberOutcome } from "@promptreg/signing";
import type { Redis } from "ioredis";
import { SharedStateUnavailableError } from "../errors/shared-state-unavailable-error.js";

/**
 * One step per nonce, atomic in Redis: the memory store's rules (logic/../signing nonce-store.ts) on a sorted set per
 * key id (member = nonce, score = expiry in ms): expired nonces leave first, a live one is a replay, a full space
 * refuses (never evicts a live nonce) with the earliest expiry for Retry-After, else the nonce is added and the set's
 * TTL covers its newest member. Before all that, the epoch: Redis here keeps nothing on disk, so after a restart
 * every nonce is gone; the first step after it records a new epoch, and requests signed before the epoch are refused
 * (they could be replays of requests accepted before the restart), as the memory store's service refuses requests
 * signed before the process started.
 * Returns {0} stored, {1} replayed, {2, earliestExpiryMs} full, {3, epochSeconds} signed before the epoch.
 */
const REMEMBER_LUA = `
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local capacity = tonumber(ARGV[3])
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  epoch = math.ceil(now / 1000)
  redis.call('SET', KEYS[2], epoch)
end
epoch = tonumber(epoch)
if ARGV[5] ~= '' and tonumber(ARGV[5]) < epoch then return {3, epoch} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then return {1, 0} end
if redis.call('ZCARD', KEYS[1]) >= capacity then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {2, first[2]}
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[4])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return {0, 0}
`;

const COMMAND = "promptregRememberNonce";

type RememberCommand = (
  setKey: string,
  epochKey: string,
  nowMs: number,
  ttlMs: number,
  capacity: number,
  nonce: string,
  signedAtSeconds: string,
) => Promise<[number, number | string]>;

export interface RedisNonceStore extends NonceStore {
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
 * `<prefix>nonces-epoch`. Any Redis failure (down, timeout, refused) throws `SharedStateUnavailableError`: the request
 * is refused, never let through unchecked. Redis must not evict keys (`maxmemory-policy noeviction`, docs/scaling.md).
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
  client.defineCommand(COMMAND, { numberOfKeys: 2, lua: REMEMBER_LUA });
  const remember = (client as unknown as Record<string, RememberCommand>)[COMMAND]!.bind(client);
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
    async remember({ keyId, nonce, ttlSeconds, capacity, signedAtSeconds }): Promise<RememberOutcome> {
      checkNonceCapacity(capacity);
      const at = now();
      let reply: [number, number | string];
      try {
        reply = await remember(
          setKey(keyId),
          epochKey,
          at,
          ttlSeconds * 1000,
          capacity,
          nonce,
          signedAtSeconds === undefined ? "" : String(signedAtSeconds),
        );
      } catch (error) {
        throw unavailable(error);
      }
      const [code, value] = reply;
      if (code === 0) return { outcome: "stored" };
      if (code === 1) return { outcome: "replayed" };
      if (code === 2) {
        return { outcome: "full", retryAfterSeconds: Math.max(1, Math.ceil((Number(value) - at) / 1000)) };
      }
      return { outcome: "signed_before_start", startedAtSeconds: Number(value) };
    },
  };
}
