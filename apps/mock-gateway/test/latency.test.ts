import { describe, expect, it, vi } from "vitest";
import { fakeDelays, postChat, sseData, startGateway } from "./helpers.js";

// Delays are read from vitest's fake clock, never from the wall clock. This file sends every request with node:http
// (postChat) and never with fetch: fetch's pooled connections arm fake timers of their own (undici's keep-alive
// timeout), which would be advanced as if the gateway had armed them.

describe("latencyMs", () => {
  it("adds a first-byte delay and a per-chunk delay", async () => {
    const gateway = await startGateway({ latencyMs: { firstByte: 60, perChunk: 15 } });
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    try {
      expect((await fakeDelays(postChat(gateway))).delays).toEqual([60]);
      const { delays, reply } = await fakeDelays(postChat(gateway, { stream: true }));
      const frames = sseData(reply.body);
      // The first byte waits 60 ms; every content chunk and the finish chunk wait 15 ms more.
      expect(delays).toEqual([60, ...Array.from({ length: frames.length - 1 }, () => 15)]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("delay and drip faults", () => {
  it("delay: headers wait N ms of the gateway's clock, then a normal reply", async () => {
    const gateway = await startGateway();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    try {
      const { delays, reply } = await fakeDelays(
        postChat(gateway, { headers: { "x-mock-faults": "delay:ms=120" } }),
      );
      expect(delays).toEqual([120]);
      expect(reply.status).toBe(200);
      expect((JSON.parse(reply.body) as { choices: unknown[] }).choices).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("drip:ms=N delays every chunk but completes normally", async () => {
    const gateway = await startGateway();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    try {
      const { delays, reply } = await fakeDelays(
        postChat(gateway, { stream: true, headers: { "x-mock-faults": "drip:ms=30" } }),
      );
      const frames = sseData(reply.body);
      expect(frames.at(-1)).toBe("[DONE]");
      // Every content chunk and the finish chunk wait 30 ms; [DONE] follows the finish chunk at once.
      expect(delays).toEqual(Array.from({ length: frames.length - 1 }, () => 30));
    } finally {
      vi.useRealTimers();
    }
  });

  it("delay:ms=N postpones the headers, then streams normally", async () => {
    const gateway = await startGateway();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    try {
      const { delays, reply } = await fakeDelays(
        postChat(gateway, { stream: true, headers: { "x-mock-faults": "delay:ms=100" } }),
      );
      expect(delays).toEqual([100]);
      expect(reply.status).toBe(200);
      expect(sseData(reply.body).at(-1)).toBe("[DONE]");
    } finally {
      vi.useRealTimers();
    }
  });
});
