/** The shortest window the queue's limiter is given: short enough that items start spread over each second. */
export const MIN_WINDOW_MS = 100;

/**
 * BullMQ's queue limiter for a budget of `requestsPerMinute` item starts: at most `max` items start in each window of
 * `duration` ms, shared by every worker of the queue. The window is the shortest of at least `MIN_WINDOW_MS` that
 * lets at least one item start, so at 150 items/s batches start 15 items every 100 ms instead of 150 at each second
 * boundary (a burst that competed with interactive calls for the CPU and the gateway for a fifth of every second),
 * and a budget under one a second starts evenly spaced items instead of a minute's worth at once. `duration` is
 * rounded up, so the window never allows more than the budget, and at most 1% less (1 ms in 100).
 */
export function requestWindow(requestsPerMinute: number): { max: number; duration: number } {
  if (!Number.isFinite(requestsPerMinute) || requestsPerMinute <= 0) {
    throw new RangeError(`requestsPerMinute must be a positive number, got ${requestsPerMinute}`);
  }
  const max = Math.max(1, Math.ceil((requestsPerMinute * MIN_WINDOW_MS) / 60_000));
  return { max, duration: Math.ceil((max * 60_000) / requestsPerMinute) };
}
