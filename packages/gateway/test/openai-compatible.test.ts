import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BadRequestError, createGatewayClient } from "../src/index.js";

/**
 * Servers that are OpenAI-compatible but not AI Stats: no provider headers, bare model names, no usage, streams that
 * end on a finish reason without [DONE] (some vLLM/Ollama versions), tool calls streamed in fragments, plain-string
 * error bodies. A tiny node:http server plays each one.
 */
type Handler = (body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse) => void;
let handler: Handler;
let server: Server;
let baseUrl: string;
const seen: { headers: IncomingMessage["headers"]; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => {
      raw += chunk;
    });
    req.on("end", () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      seen.push({ headers: req.headers, body });
      handler(body, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const sse = (res: ServerResponse, frames: unknown[], done: boolean) => {
  res.writeHead(200, { "content-type": "text/event-stream" });
  for (const frame of frames) res.write(`data: ${JSON.stringify(frame)}\n\n`);
  res.end(done ? "data: [DONE]\n\n" : "");
};
const client = () => createGatewayClient({ baseUrl, apiKey: "ollama", sleep: async () => {} });

describe("any OpenAI-compatible server", () => {
  it("sends the OpenAI body, strips fallbacks, and reads a bare answer without usage or provider", async () => {
    handler = (_body, _req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: "chatcmpl-1",
          model: "llama3.2:latest",
          choices: [{ message: { role: "assistant", content: "hey" }, finish_reason: "stop" }],
        }),
      );
    };
    const result = await client().chat({
      model: "llama3.2",
      messages: [{ role: "user", content: "hi" }],
      temperature: 0.2,
      fallbacks: [],
    });
    const sent = seen.at(-1)!;
    expect(sent.body).toEqual({
      model: "llama3.2",
      messages: [{ role: "user", content: "hi" }],
      temperature: 0.2,
    });
    expect(sent.headers.authorization).toBe("Bearer ollama");
    expect(sent.headers["idempotency-key"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.text).toBe("hey");
    expect(result.usage).toBeUndefined();
    expect(result.cost).toBeUndefined();
    expect(result.metadata.provider).toBeUndefined();
    expect(result.metadata.servedModel).toBe("llama3.2:latest");
    expect(result.metadata.failover.detected).toBe(false); // a tagged variant of the asked model
    expect(result.metadata.generationId).toBe("chatcmpl-1");
  });

  it("accepts a stream that ends on a finish reason without [DONE], and asks for usage in the stream", async () => {
    handler = (_body, _req, res) =>
      sse(
        res,
        [
          { choices: [{ delta: { role: "assistant", content: "" } }] },
          { choices: [{ delta: { content: "a" } }] },
          { choices: [{ delta: { content: "b" }, finish_reason: "stop" }] },
        ],
        false,
      );
    const stream = client().chatStream({ model: "qwen", messages: [{ role: "user", content: "hi" }] });
    const deltas: string[] = [];
    for await (const d of stream) deltas.push(d.text);
    expect(deltas).toEqual(["a", "b"]);
    expect((await stream.result).finishReason).toBe("stop");
    expect(seen.at(-1)!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(seen.at(-1)!.headers.accept).toBe("text/event-stream");
  });

  it("returns at [DONE] even when the server keeps the connection open afterwards", async () => {
    let closed: Promise<void> = Promise.resolve();
    handler = (_body, req, res) => {
      closed = new Promise((resolve) => req.socket.once("close", () => resolve()));
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(
        `data: ${JSON.stringify({ choices: [{ delta: { content: "x" }, finish_reason: "stop" }] })}\n\n`,
      );
      res.write("data: [DONE]\n\n"); // and never res.end()
    };
    const stream = createGatewayClient({ baseUrl, apiKey: "k", timeouts: { idleMs: 60_000 } }).chatStream({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
    });
    for await (const _ of stream) {
    }
    expect((await stream.result).text).toBe("x");
    await closed; // the client let go of the open body instead of keeping the socket forever
  });

  it("assembles tool calls streamed in fragments", async () => {
    handler = (_body, _req, res) =>
      sse(
        res,
        [
          {
            choices: [
              {
                delta: {
                  tool_calls: [
                    {
                      index: 0,
                      id: "call_1",
                      type: "function",
                      function: { name: "get_weather", arguments: "" },
                    },
                  ],
                },
              },
            ],
          },
          { choices: [{ delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] } }] },
          {
            choices: [
              {
                delta: { tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] },
                finish_reason: "tool_calls",
              },
            ],
          },
          { choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } },
        ],
        true,
      );
    const stream = client().chatStream({
      model: "openai/gpt-4o-mini",
      messages: [{ role: "user", content: "weather?" }],
    });
    for await (const _ of stream) {
    }
    const result = await stream.result;
    expect(result.finishReason).toBe("tool_calls");
    expect(result.message.tool_calls).toEqual([
      { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
    ]);
    expect(result.usage).toEqual({ promptTokens: 7, completionTokens: 3, totalTokens: 10 });
    expect(result.cost?.source).toBe("price-table");
  });

  it("reads a plain-string error body", async () => {
    handler = (_body, _req, res) => {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "model 'nope' not found, try pulling it first" }));
    };
    const error = await client()
      .chat({ model: "nope", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(BadRequestError.isInstance(error)).toBe(true);
    expect((error as BadRequestError).body?.message).toBe("model 'nope' not found, try pulling it first");
    expect((error as BadRequestError).message).toContain("model 'nope' not found");
  });
});
