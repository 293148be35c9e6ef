import type { Redis } from "ioredis";
import { SharedStateUnavailableError } from "../errors/shared-state-unavailable-error.js";
import type { RequestSample, StatsStore } from "../logic/stats-store.js";

export interface RedisStatsStore extends StatsStore {
  /** Sends the samples recorded since the last flush (one round trip). Never throws: a failed flush drops them. */
  flush(): Promise<void>;
  /** Stops the timer and flushes what is left (on shutdown, before the connection closes). */
  close(): Promise<void>;
}

/**
 * Request samples of every replica in one Redis stream (`<prefix>stats`), so GET /v1/stats computes p50/p95/p99,
 * error rates, tokens and cost over the whole deployment, whichever replica answers. Bounded like the ring:
 * `XADD ... MAXLEN ~ capacity` keeps about `capacity` samples over all replicas together.
 * Stats are not worth a round trip per request: `record` only buffers (at most `capacity` samples, the oldest
 * dropped first) and every `flushIntervalMs` the buffer goes out as one pipeline of XADDs (one entry per sample, so
 * the stream's bound and `since` stay per sample). `/v1/stats` therefore sees another replica's requests up to one
 * interval late. A flush that fails (Redis unreachable) drops its samples; the connection's warning in the log says
 * when. `since` throws `SharedStateUnavailableError` (503).
 */
export function createRedisStatsStore({
  client,
  keyPrefix,
  capacity,
  flushIntervalMs,
}: {
  client: Redis;
  keyPrefix: string;
  capacity: number;
  flushIntervalMs: number;
}): RedisStatsStore {
  const key = `${keyPrefix}stats`;
  let buffer: RequestSample[] = [];
  const flush = async () => {
    if (buffer.length === 0) return;
    const samples = buffer;
    buffer = [];
    const pipeline = client.pipeline();
    for (const sample of samples)
      pipeline.xadd(key, "MAXLEN", "~", capacity, "*", "s", JSON.stringify(sample));
    await pipeline.exec().catch(() => {});
  };
  const timer = setInterval(() => void flush(), flushIntervalMs);
  timer.unref();
  return {
    record(sample) {
      if (buffer.length >= capacity) buffer.shift();
      buffer.push(sample);
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
    async since(since) {
      let entries: [id: string, fields: string[]][];
      try {
        // Stream ids start with the Redis server's clock in ms; the sample's own `at` (the replica's clock) decides,
        // and a sample is flushed up to one interval after its `at`.
        entries = await client.xrange(key, Math.max(0, Math.floor(since) - 60_000 - flushIntervalMs), "+");
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
