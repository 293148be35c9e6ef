import type { Redis } from "ioredis";
import { SharedStateUnavailableError } from "../errors/shared-state-unavailable-error.js";
import type { RequestSample, StatsStore } from "../logic/stats-store.js";

/**
 * Request samples of every replica in one Redis stream (`<prefix>stats`), so GET /v1/stats computes p50/p95/p99,
 * error rates, tokens and cost over the whole deployment, whichever replica answers. Bounded like the ring:
 * `XADD ... MAXLEN ~ capacity` keeps about `capacity` samples over all replicas together.
 * `record` does not wait for Redis (it is on every request's path): a sample recorded while Redis is unreachable is
 * dropped (the connection's warning in the log says when). `since` throws `SharedStateUnavailableError` (503).
 */
export function createRedisStatsStore({
  client,
  keyPrefix,
  capacity,
}: {
  client: Redis;
  keyPrefix: string;
  capacity: number;
}): StatsStore {
  const key = `${keyPrefix}stats`;
  return {
    record(sample) {
      client.xadd(key, "MAXLEN", "~", capacity, "*", "s", JSON.stringify(sample)).catch(() => {});
    },
    async since(since) {
      let entries: [id: string, fields: string[]][];
      try {
        // Stream ids start with the Redis server's clock in ms; the sample's own `at` (the replica's clock) decides.
        entries = await client.xrange(key, Math.max(0, Math.floor(since) - 60_000), "+");
      } catch (error) {
        throw new SharedStateUnavailableError({ store: "stats", cause: error });
      }
      const samples: RequestSample[] = [];
      for (const [, fields] of entries) {
        const sample = JSON.parse(fields[1] as string) as RequestSample;
        if (sample.at >= since) samples.push(sample);
      }
      return samples.sort((a, b) => a.at - b.at);
    },
  };
}
