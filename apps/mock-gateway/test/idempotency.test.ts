import { describe, expect, it, vi } from "vitest";
import { chat, sseData, startGateway } from "./helpers.js";

interface Completion {
  id: string;
  choices: { message: { content: string } }[];
  usage: { total_tokens: number };
}

describe("Idempotency-Key de-duplication", () => {
  it("the same key and body replay the first reply: one charge, however often it is asked", async () => {
    const gateway = await startGateway();
    const ask = () => chat(gateway, { text: "summarise", headers: { "idempotency-key": "item-1" } });
    const first = await ask();
    const firstBody = (await first.json()) as Completion;
    const again = await ask();
    const againBody = (await again.json()) as Completion;
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(againBody).toEqual(firstBody);
    expect(again.headers.get("x-generation-id")).toBe(firstBody.id);
    await (await ask()).arrayBuffer();
    expect(gateway.stats()).toMatchObject({ billed: 1, replays: 2, requestsByKey: { "item-1": 3 } });
  });

  it("the same key with another body is a 422 idempotency error naming the header, and charges nothing", async () => {
    const gateway = await startGateway();
    await (await chat(gateway, { text: "one", headers: { "idempotency-key": "k" } })).arrayBuffer();
    const other = await chat(gateway, { text: "two", headers: { "idempotency-key": "k" } });
    expect(other.status).toBe(422);
    const { error } = (await other.json()) as { error: Record<string, unknown> };
    expect(error).toMatchObject({
      type: "idempotency_error",
      code: "idempotency_conflict",
      param: "Idempotency-Key",
    });
    expect(error.message).toMatch(/different request body/);
    expect(gateway.stats()).toMatchObject({ billed: 1, replays: 0 });
  });

  it("failures are not stored: a retry after a 500 or a reset runs (and is charged) once it succeeds", async () => {
    const gateway = await startGateway();
    const ask = () =>
      chat(gateway, { headers: { "idempotency-key": "r", "x-mock-faults": "500,ok" } }).then(async (res) => {
        await res.arrayBuffer();
        return res;
      });
    expect((await ask()).status).toBe(500);
    const second = await ask();
    expect(second.status).toBe(200);
    expect(second.headers.get("idempotent-replayed")).toBeNull();
    const third = await ask();
    expect(third.headers.get("idempotent-replayed")).toBe("true");
    expect(gateway.stats()).toMatchObject({ billed: 1, replays: 1, requestsByKey: { r: 3 } });
  });

  it("a client that hangs up during a delay is not charged: its retry takes the script's next step", async () => {
    const gateway = await startGateway();
    const headers = { "idempotency-key": "slow", "x-mock-faults": "delay:ms=600000,ok" };
    const abort = new AbortController();
    const first = chat(gateway, { headers, signal: abort.signal }).catch((error: unknown) => error);
    // The attempt timeout of a client: it gives up once the gateway has the request and is still delaying it.
    await vi.waitFor(() => expect(gateway.stats().requestsByKey.slow).toBe(1), { timeout: 30_000 });
    abort.abort();
    expect(await first).toBeInstanceOf(Error);
    const retry = await chat(gateway, { headers });
    await retry.arrayBuffer();
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
    expect(retry.headers.get("x-mock-step")).toBe("ok");
    expect(gateway.stats()).toMatchObject({ billed: 1, replays: 0 });
  });

  it("a streamed request replays as a stream of the same completion", async () => {
    const gateway = await startGateway();
    const ask = async () =>
      sseData(await (await chat(gateway, { stream: true, headers: { "idempotency-key": "s" } })).text());
    const first = await ask();
    expect(await ask()).toEqual(first);
    expect(gateway.stats()).toMatchObject({ billed: 1, replays: 1 });
  });

  it("requests without a key, or with de-duplication off, are each charged", async () => {
    const gateway = await startGateway({ idempotency: { windowMs: 0 } });
    for (let i = 0; i < 2; i++) {
      await (await chat(gateway, { headers: { "idempotency-key": "same" } })).arrayBuffer();
      await (await chat(gateway)).arrayBuffer();
    }
    expect(gateway.stats()).toMatchObject({ billed: 4, replays: 0 });
  });

  it("reset() forgets the stored replies", async () => {
    const gateway = await startGateway();
    await (await chat(gateway, { headers: { "idempotency-key": "z" } })).arrayBuffer();
    gateway.reset();
    const after = await chat(gateway, { headers: { "idempotency-key": "z" } });
    await after.arrayBuffer();
    expect(after.headers.get("idempotent-replayed")).toBeNull();
    expect(gateway.stats()).toMatchObject({ billed: 1, replays: 0 });
  });
});
