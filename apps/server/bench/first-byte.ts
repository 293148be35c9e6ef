/** When one streamed request of `firstBytes` was sent and answered, on this process's monotonic clock (µs). */
export interface FirstByteSample {
  /** Just before `fetch` was called. */
  startedUs: number;
  /** When the first body chunk was read. */
  firstByteUs: number;
  /** When the body was read to its end. */
  endedUs: number;
}

const micros = () => Number(process.hrtime.bigint()) / 1e3;

/**
 * Sequential streamed POSTs, one at a time: the time to the first body chunk of each, in ms, after `warmUp` requests
 * that are not counted. Each body is read to its end so the connection is reused. `headers()` is called before the
 * clock starts, so signing a request is not counted. `onSample` gets each counted request's timestamps.
 */
export async function firstBytes({
  url,
  body,
  headers,
  samples,
  warmUp = 10,
  onSample,
}: {
  url: string;
  body: string;
  headers: () => Record<string, string>;
  samples: number;
  warmUp?: number;
  onSample?: (sample: FirstByteSample) => void;
}): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples + warmUp; i++) {
    const requestHeaders = headers();
    const startedUs = micros();
    const response = await fetch(url, { method: "POST", headers: requestHeaders, body });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    const firstByteUs = micros();
    while (!(await reader.read()).done) {
      // drain so the connection is reused
    }
    if (i < warmUp) continue;
    out.push((firstByteUs - startedUs) / 1000);
    onSample?.({ startedUs, firstByteUs, endedUs: micros() });
  }
  return out;
}
