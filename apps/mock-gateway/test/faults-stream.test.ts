import { describe, expect, it } from "vitest";
import { chat, LONG_TEXT, parseChunks, readFramesThenListen, sseData, startGateway } from "./helpers.js";

function streamWith(steps: string, extra: Record<string, string> = {}) {
  return { stream: true, headers: { "x-mock-faults": steps, "x-mock-key": "s", ...extra } };
}

describe("streaming", () => {
  it("sends role + content chunks, a finish chunk with usage, then [DONE]", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, {
      stream: true,
      model: "openai/gpt-4o",
      headers: { "x-mock-cost": "on" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(res.headers.get("x-phaseo-provider")).toBe("openai");
    const frames = sseData(await res.text());
    expect(frames.at(-1)).toBe("[DONE]");
    const chunks = parseChunks(frames);
    const content = chunks.slice(0, -1);
    expect(content.length).toBeGreaterThanOrEqual(4);
    expect(content.length).toBeLessThanOrEqual(8);
    expect(content[0]!.choices[0]!.delta.role).toBe("assistant");
    expect(content.map((c) => c.choices[0]!.delta.content).join("")).toBe(`Echo: ${LONG_TEXT}`);
    expect(content.every((c) => c.choices[0]!.finish_reason === null && c.usage === undefined)).toBe(true);
    const last = chunks.at(-1)!;
    expect(last.choices[0]!.finish_reason).toBe("stop");
    expect(last.usage).toMatchObject({ prompt_tokens: 15, completion_tokens: 17, total_tokens: 32 });
    expect(last.usage!.cost).toBeGreaterThan(0);
    expect(new Set(chunks.map((c) => c.id))).toEqual(new Set([res.headers.get("x-generation-id")]));
    expect(last.provider).toBe("openai");
  });

  it("status faults answer a streaming request with a JSON error, not SSE", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, streamWith("503:s=2"));
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("retry-after")).toBe("2");
  });

  it("reset: fetch rejects before a response", async () => {
    const gateway = await startGateway();
    await expect(chat(gateway, streamWith("reset"))).rejects.toThrow(TypeError);
  });

  it("stall:after=K sends K content chunks, then no more bytes", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, streamWith("stall:after=2"));
    expect(res.status).toBe(200);
    const { received, moreBytes } = await readFramesThenListen(res, { frames: 2, windowMs: 300 });
    expect(received).toHaveLength(2);
    expect(parseChunks(received).every((c) => c.choices[0]!.delta.content)).toBe(true);
    expect(moreBytes).toBe(false);
  });

  it("stall:after=0 sends only headers", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, streamWith("stall:after=0"));
    expect(res.status).toBe(200);
    const { moreBytes } = await readFramesThenListen(res, { frames: 0, windowMs: 200 });
    expect(moreBytes).toBe(false);
  });

  it("cut:after=K ends after K chunks with no finish_reason and no [DONE]", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, streamWith("cut:after=3"));
    const frames = sseData(await res.text());
    expect(frames).toHaveLength(3);
    expect(frames).not.toContain("[DONE]");
    expect(parseChunks(frames).every((c) => c.choices[0]!.finish_reason === null)).toBe(true);
  });

  it("malformed: a non-JSON data frame right after the first chunk", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, streamWith("malformed"));
    const frames = sseData(await res.text());
    expect(() => JSON.parse(frames[0]!)).not.toThrow();
    expect(() => JSON.parse(frames[1]!)).toThrow(SyntaxError);
    // The rest of the stream is healthy, so a client may choose to skip the bad frame.
    expect(frames.at(-1)).toBe("[DONE]");
  });

  it("inband-error:after=K sends K chunks, then an error frame, then ends without [DONE]", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, { model: "openai/gpt-4o", ...streamWith("inband-error:after=1") });
    const frames = sseData(await res.text());
    expect(frames).toHaveLength(2);
    expect(JSON.parse(frames[0]!)).toMatchObject({ object: "chat.completion.chunk" });
    expect(JSON.parse(frames[1]!)).toMatchObject({
      error: {
        error_origin: "provider",
        failed_providers: ["openai"],
        generation_id: expect.stringMatching(/^gen_/),
      },
    });
  });

  it("failover and cache-hit mark streamed replies", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, {
      stream: true,
      headers: { "x-mock-faults": "failover:provider=groq;model=groq/llama", "x-mock-key": "f" },
    });
    expect(res.headers.get("x-phaseo-provider")).toBe("groq");
    const chunks = parseChunks(sseData(await res.text()));
    expect(chunks.every((c) => c.provider === "groq" && c.model === "groq/llama")).toBe(true);
    const hit = await chat(gateway, {
      stream: true,
      headers: { "x-mock-faults": "cache-hit", "x-mock-key": "c" },
    });
    expect(hit.headers.get("x-phaseo-cache")).toBe("hit");
    expect(sseData(await hit.text()).at(-1)).toBe("[DONE]");
  });

  it("a client that aborts a stalled stream frees the server (no hang on close)", async () => {
    const gateway = await startGateway();
    const controller = new AbortController();
    const res = await chat(gateway, { ...streamWith("stall:after=1"), signal: controller.signal });
    await readFramesThenListen(res, { frames: 1, windowMs: 20 });
    controller.abort();
    await gateway.close();
  });
});
