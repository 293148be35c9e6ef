import type { OriginLabel } from "../errors/server-error.js";
/** One finished request as the stats endpoint sees it. */
export interface RequestSample {
  /** Epoch milliseconds when the request finished. */
  at: number;
  route: string;
  status: number;
  latencyMs: number;
  /**
   * Set when the request failed, a stream that failed after its 200 included: `caller` for 4xx, `upstream` for
   * gateway failures, `server` for our own.
   */
  errorOrigin?: OriginLabel;
  template?: string;
  templateVersion?: string;
  provider?: string;
  promptTokens?: number;
  completionTokens?: number;
  costUsd?: number;
  /** Business dimensions of a run (cost attribution); `none` where the request sent none. */
  dimensions?: Readonly<Record<string, string>>;
}

/**
 * Bounded storage for recent samples: the ring here for one process, `createRedisStatsStore` when several replicas
 * report together. `record` never waits (it is on every request's path); `since` may.
 */
export interface StatsStore {
  record(sample: RequestSample): void;
  /** Samples with `at >= since`, oldest first. */
  since(since: number): Promise<RequestSample[]>;
}

/** A ring buffer of the last `capacity` samples: memory stays flat whatever the traffic. */
export function createRingStatsStore({ capacity = 10_000 }: { capacity?: number } = {}): StatsStore {
  const ring: (RequestSample | undefined)[] = new Array(capacity);
  let next = 0;
  let size = 0;
  return {
    record(sample) {
      ring[next] = sample;
      next = (next + 1) % capacity;
      size = Math.min(size + 1, capacity);
    },
    async since(since) {
      const out: RequestSample[] = [];
      for (let i = 0; i < size; i++) {
        const sample = ring[(next - size + i + capacity) % capacity];
        if (sample && sample.at >= since) out.push(sample);
      }
      return out;
    },
  };
}
