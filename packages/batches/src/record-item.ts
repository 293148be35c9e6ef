import type { Redis } from "ioredis";
import type { BatchKeys } from "./batch-keys.js";
import type { DeadLetter, ItemResult } from "./batch-types.js";

/**
 * Writes one item's final result and counts it, atomically and at most once per item: the result is set with
 * HSETNX, and the counters, usage, cost and dead letter are only touched when that write won. So an item processed
 * twice (a worker killed after the write, before BullMQ heard of it) is recorded and billed once.
 * Returns 0 when already recorded, 1 when recorded, 2 when this write finished the batch, -1 when the batch expired.
 */
const RECORD_ITEM = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 and redis.call('PTTL', KEYS[2]) < 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
redis.call('HINCRBY', KEYS[1], ARGV[3], 1)
local pt, ct, tt = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
if pt > 0 then redis.call('HINCRBY', KEYS[1], 'promptTokens', pt) end
if ct > 0 then redis.call('HINCRBY', KEYS[1], 'completionTokens', ct) end
if tt > 0 then redis.call('HINCRBY', KEYS[1], 'totalTokens', tt) end
if ARGV[7] == 'unknown' then redis.call('HINCRBY', KEYS[1], 'costUnknown', 1)
elseif ARGV[7] ~= '' then redis.call('HINCRBYFLOAT', KEYS[1], 'costUsd', ARGV[7]) end
if ARGV[10] ~= '' then
  redis.call('LPUSH', KEYS[3], ARGV[10])
  redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[11]) - 1)
end
local done = redis.call('HINCRBY', KEYS[1], 'done', 1)
if done >= tonumber(redis.call('HGET', KEYS[1], 'total')) then
  redis.call('HSET', KEYS[1], 'finishedAt', ARGV[8])
  redis.call('EXPIRE', KEYS[1], ARGV[9])
  redis.call('EXPIRE', KEYS[2], ARGV[9])
  redis.call('ZREM', KEYS[4], ARGV[12])
  return 2
end
return 1
`;

export type RecordOutcome = "recorded" | "already_recorded" | "batch_finished" | "batch_expired";

const OUTCOMES: Record<number, RecordOutcome> = {
  [-1]: "batch_expired",
  0: "already_recorded",
  1: "recorded",
  2: "batch_finished",
};

export async function recordItem(
  redis: Redis,
  {
    keys,
    batchId,
    result,
    deadLetter,
    resultTtlSeconds,
    deadLetterCapacity,
    now,
  }: {
    keys: BatchKeys;
    batchId: string;
    result: Exclude<ItemResult, { status: "pending" }>;
    deadLetter?: DeadLetter | undefined;
    resultTtlSeconds: number;
    deadLetterCapacity: number;
    now: number;
  },
): Promise<RecordOutcome> {
  const usage = result.status === "succeeded" ? result.usage : undefined;
  const cost = result.status !== "succeeded" ? "" : result.cost === null ? "unknown" : String(result.cost);
  const answer = await redis.eval(
    RECORD_ITEM,
    4,
    keys.batch(batchId),
    keys.results(batchId),
    keys.deadLetters,
    keys.unfinished,
    String(result.index),
    JSON.stringify(result),
    result.status,
    String(usage?.promptTokens ?? 0),
    String(usage?.completionTokens ?? 0),
    String(usage?.totalTokens ?? 0),
    cost,
    String(now),
    String(resultTtlSeconds),
    deadLetter ? JSON.stringify(deadLetter) : "",
    String(deadLetterCapacity),
    batchId,
  );
  return OUTCOMES[Number(answer)] ?? "already_recorded";
}
