import type { Redis } from "ioredis";
import { RedisEvictionPolicyError } from "./errors/redis-eviction-policy-error.js";

/** What `checkEvictionPolicy` found. */
export type EvictionPolicyCheck =
  | { status: "ok" }
  /** Redis refused CONFIG GET (managed services often disable or rename it): the policy cannot be known. */
  | { status: "unknown"; reason: string }
  | { status: "wrong"; error: RedisEvictionPolicyError };

/**
 * Reads `maxmemory-policy` with `CONFIG GET`: BullMQ needs `noeviction`. A refused CONFIG (a reply error, or an empty
 * answer) is `unknown`, for the caller to warn about; a connection failure is thrown, since Redis said nothing yet.
 */
export async function checkEvictionPolicy(redis: Redis): Promise<EvictionPolicyCheck> {
  let reply: unknown;
  try {
    reply = await redis.call("CONFIG", "GET", "maxmemory-policy");
  } catch (error) {
    if ((error as Error).name !== "ReplyError") throw error;
    return { status: "unknown", reason: `CONFIG GET maxmemory-policy refused: ${(error as Error).message}` };
  }
  const values = Array.isArray(reply) ? (reply as unknown[]) : [];
  const index = values.findIndex((value) => String(value).toLowerCase() === "maxmemory-policy");
  const policy = index >= 0 ? values[index + 1] : undefined;
  if (policy === undefined || policy === null) {
    return { status: "unknown", reason: "CONFIG GET maxmemory-policy answered without the setting" };
  }
  if (String(policy) === "noeviction") return { status: "ok" };
  return { status: "wrong", error: new RedisEvictionPolicyError({ policy: String(policy) }) };
}
