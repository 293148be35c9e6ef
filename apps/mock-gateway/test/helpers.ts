import { afterEach } from "vitest";
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
