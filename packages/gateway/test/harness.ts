import { inspect } from "node:util";
import { createMockGateway, type MockGateway, type MockGatewayOptions } from "@promptreg/mock-gateway";
import {
  createGatewayClient,
  type GatewayClient,
  type GatewayClientOptions,
  type GatewayEvent,
} from "../src/index.js";

/** A realistic-looking key; tests assert it never shows up anywhere but the Authorization header. */
export const KEY = "sk-live-4f9c2a7e1b3d5f60SECRETPART9a8b7c6d5e4f";
export const MESSAGES = [{ role: "user" as const, content: "please echo this sentence back to me" }];

export interface Harness {
  mock: MockGateway;
  client: GatewayClient;
  events: GatewayEvent[];
  sleeps: number[];
  /** Everything a key could leak into: events, errors (inspected with causes), results. */
  captured: string[];
  capture(value: unknown): void;
  /** A new client (own sleeps and events) on the same mock, sharing `captured`; for concurrent tests. */
  fork(client?: Partial<GatewayClientOptions>): Harness;
  close(): Promise<void>;
}

export async function startHarness({
  mock: mockOptions = {},
  client: clientOptions = {},
  realSleep = false,
}: {
  mock?: MockGatewayOptions;
  client?: Partial<GatewayClientOptions>;
  realSleep?: boolean;
} = {}): Promise<Harness> {
  const mock = await createMockGateway({ apiKey: KEY, ...mockOptions });
  const captured: string[] = [];
  const capture = (value: unknown) => {
    captured.push(inspect(value, { depth: 8, showHidden: true }));
    try {
      captured.push(JSON.stringify(value) ?? "");
    } catch {
      // circular values are covered by inspect
    }
    if (value instanceof Error) captured.push(value.message, String(value.stack));
  };
  const build = (overrides: Partial<GatewayClientOptions>): Harness => {
    const events: GatewayEvent[] = [];
    const sleeps: number[] = [];
    const options: GatewayClientOptions = {
      baseUrl: mock.url,
      apiKey: KEY,
      random: () => 0.5,
      events: (event) => {
        events.push(event);
        capture(event);
      },
      ...clientOptions,
      ...overrides,
    };
    if (!realSleep && options.sleep === undefined) {
      options.sleep = async (ms) => {
        sleeps.push(ms);
      };
    }
    const client = createGatewayClient(options);
    capture(client);
    return { mock, client, events, sleeps, captured, capture, fork: build, close: () => mock.close() };
  };
  return build({});
}

/** Runs a plain or streamed call; returns the result or the error, and records both for the key check. */
export async function call(
  h: Harness,
  {
    stream,
    model = "openai/gpt-4o-mini",
    faults,
    fallbacks,
    ...options
  }: {
    stream: boolean;
    model?: string;
    faults?: string;
    fallbacks?: string[];
  } & Parameters<GatewayClient["chat"]>[1],
) {
  const headers = { ...options?.headers, ...(faults ? { "x-mock-faults": faults } : {}) };
  const request = { model, messages: MESSAGES, ...(fallbacks ? { fallbacks } : {}) };
  const deltas: string[] = [];
  try {
    let result: Awaited<ReturnType<GatewayClient["chat"]>>;
    if (stream) {
      const s = h.client.chatStream(request, { ...options, headers });
      for await (const delta of s) deltas.push(delta.text);
      result = await s.result;
    } else {
      result = await h.client.chat(request, { ...options, headers });
    }
    h.capture(result);
    return { ok: true as const, result, deltas };
  } catch (error) {
    h.capture(error);
    return { ok: false as const, error, deltas };
  }
}
