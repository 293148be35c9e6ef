import { request } from "node:http";
import { afterEach, vi } from "vitest";
import { createMockGateway, type MockGateway, type MockGatewayOptions } from "../src/index.js";

const open: MockGateway[] = [];

/** Starts a gateway that is closed after the current test. */
export async function startGateway(options: MockGatewayOptions = {}): Promise<MockGateway> {
  const gateway = await createMockGateway(options);
  open.push(gateway);
  return gateway;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((gateway) => gateway.close()));
});

export interface ChatOptions {
  model?: string;
  text?: string;
  stream?: boolean;
  headers?: Record<string, string>;
  body?: Record<string, unknown>;
  signal?: AbortSignal;
}

export const LONG_TEXT = "the quick brown fox jumps over the lazy dog again and again";

export function chat(gateway: MockGateway, options: ChatOptions = {}): Promise<Response> {
  const body = {
    model: options.model ?? "openai/gpt-4o-mini",
    messages: [{ role: "user", content: options.text ?? LONG_TEXT }],
    ...(options.stream ? { stream: true } : {}),
    ...options.body,
  };
  return fetch(`${gateway.url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...options.headers },
    body: JSON.stringify(body),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** Splits an SSE body into the payloads of its `data:` frames. */
export function sseData(text: string): string[] {
  return text
    .split("\n\n")
    .filter((frame) => frame.startsWith("data: "))
    .map((frame) => frame.slice("data: ".length));
}

interface Chunk {
  choices: { delta: { content?: string; role?: string }; finish_reason: string | null }[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number; cost?: number };
  model: string;
  provider: string;
  id: string;
}

export function parseChunks(frames: string[]): Chunk[] {
  return frames.filter((frame) => frame !== "[DONE]").map((frame) => JSON.parse(frame) as Chunk);
}

/**
 * Reads a streamed body until `frames` data frames have arrived, then reports whether any further byte
 * arrives within `windowMs`. Used to prove a stall without asserting on durations.
 */
export async function readFramesThenListen(
  res: Response,
  { frames, windowMs }: { frames: number; windowMs: number },
): Promise<{ received: string[]; moreBytes: boolean }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (sseData(text).length < frames) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended after ${sseData(text).length} frames, expected ${frames}`);
    text += decoder.decode(value, { stream: true });
  }
  let timer: NodeJS.Timeout | undefined;
  const silence = new Promise<"silent">((resolve) => {
    timer = setTimeout(() => resolve("silent"), windowMs);
  });
  const next = reader.read().then(() => "bytes" as const);
  const outcome = await Promise.race([silence, next]);
  clearTimeout(timer);
  await reader.cancel().catch(() => undefined);
  next.catch(() => undefined);
  return { received: sseData(text), moreBytes: outcome === "bytes" };
}

/**
 * Posts a chat request over node:http (whose own timers are Node-internal, unlike fetch's) and resolves with the
 * status and the whole body. With `vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })` in force, every
 * fake timer is then one the gateway armed.
 */
export function postChat(
  gateway: MockGateway,
  options: ChatOptions = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const body = JSON.stringify({
    model: options.model ?? "openai/gpt-4o-mini",
    messages: [{ role: "user", content: options.text ?? LONG_TEXT }],
    ...(options.stream ? { stream: true } : {}),
  });
  return new Promise((resolve, reject) => {
    const req = request(
      `${gateway.url}/chat/completions`,
      { method: "POST", agent: false, headers: { "content-type": "application/json", ...options.headers } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * The delays a reply waits on, read from a fake clock: call with `vi.useFakeTimers({ toFake: ["setTimeout",
 * "clearTimeout", "Date"] })` in force and a request sent with `postChat`. Real I/O runs between timers
 * (setImmediate is not faked); each armed timer is run by advancing the clock to it, and the advance is recorded.
 * Delays are thereby checked exactly and without reading the wall clock.
 */
export async function fakeDelays<T>(pending: Promise<T>): Promise<{ delays: number[]; reply: T }> {
  let settled = false;
  const mark = () => {
    settled = true;
  };
  pending.then(mark, mark);
  const delays: number[] = [];
  for (let turn = 0; !settled; turn++) {
    if (turn > 1_000_000) throw new Error("the reply neither armed a timer nor ended");
    if (vi.getTimerCount() === 0) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      continue;
    }
    const before = Date.now();
    await vi.advanceTimersToNextTimerAsync();
    delays.push(Date.now() - before);
  }
  return { delays, reply: await pending };
}
