import { describe, expect, it } from "vitest";
import { chat, startGateway } from "./helpers.js";

async function statuses(run: () => Promise<Response>, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const res = await run();
    await res.arrayBuffer();
    out.push(res.status);
  }
  return out;
}

describe("scripted sequences per request key", () => {
  it("the N-th request with an x-mock-key gets step N, then ok forever", async () => {
    const gateway = await startGateway();
    const run = () => chat(gateway, { headers: { "x-mock-faults": "500,429:s=0,503", "x-mock-key": "a" } });
    expect(await statuses(run, 5)).toEqual([500, 429, 503, 200, 200]);
    expect(gateway.stats()).toMatchObject({
      requests: 5,
      requestsByKey: { a: 5 },
      faultsServed: { "500": 1, "429": 1, "503": 1 },
      faultsTotal: 3,
    });
  });

  it("keys are independent, and Idempotency-Key counts like x-mock-key", async () => {
    const gateway = await startGateway();
    const script = { "x-mock-faults": "502,ok" };
    const a = () => chat(gateway, { headers: { ...script, "idempotency-key": "retry-1" } });
    const b = () => chat(gateway, { headers: { ...script, "idempotency-key": "retry-2" } });
    expect(await statuses(a, 1)).toEqual([502]);
    expect(await statuses(b, 1)).toEqual([502]);
    expect(await statuses(a, 2)).toEqual([200, 200]);
    expect(gateway.stats().requestsByKey).toEqual({ "retry-1": 3, "retry-2": 1 });
  });

  it("x-mock-key wins over Idempotency-Key", async () => {
    const gateway = await startGateway();
    const run = (idem: string) =>
      chat(gateway, {
        headers: { "x-mock-faults": "500,ok", "x-mock-key": "shared", "idempotency-key": idem },
      });
    expect(await statuses(() => run("one"), 1)).toEqual([500]);
    expect(await statuses(() => run("two"), 1)).toEqual([200]);
  });

  it("without a key every request uses step 1", async () => {
    const gateway = await startGateway();
    const run = () => chat(gateway, { headers: { "x-mock-faults": "504,ok" } });
    expect(await statuses(run, 3)).toEqual([504, 504, 504]);
  });

  it("reset() forgets positions and counters", async () => {
    const gateway = await startGateway();
    const run = () => chat(gateway, { headers: { "x-mock-faults": "500,ok", "x-mock-key": "r" } });
    expect(await statuses(run, 2)).toEqual([500, 200]);
    gateway.reset();
    expect(gateway.stats()).toEqual({
      requests: 0,
      requestsByKey: {},
      faultsServed: {},
      faultsTotal: 0,
      billed: 0,
      replays: 0,
    });
    expect(await statuses(run, 1)).toEqual([500]);
  });

  it("forgets the oldest key beyond maxTrackedKeys", async () => {
    const gateway = await startGateway({ maxTrackedKeys: 2 });
    const run = (key: string) => () =>
      chat(gateway, { headers: { "x-mock-faults": "500,ok", "x-mock-key": key } });
    await statuses(run("k1"), 1);
    await statuses(run("k2"), 1);
    await statuses(run("k3"), 1);
    expect(Object.keys(gateway.stats().requestsByKey)).toEqual(["k2", "k3"]);
    // k1 was forgotten, so its script starts again.
    expect(await statuses(run("k1"), 1)).toEqual([500]);
  });
});

describe("model-name control", () => {
  it("mock/faults=500+500+ok behaves like the header and reports mock/echo", async () => {
    const gateway = await startGateway();
    const run = () => chat(gateway, { model: "mock/faults=500+500+ok", headers: { "x-mock-key": "m" } });
    expect(await statuses(run, 2)).toEqual([500, 500]);
    const res = await run();
    expect(res.status).toBe(200);
    expect(res.headers.get("x-phaseo-provider")).toBe("mock");
    expect(await res.json()).toMatchObject({ model: "mock/echo", provider: "mock" });
  });

  it("steps with parameters work in the model name", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, { model: "mock/faults=429:s=9+ok" });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("9");
  });

  it("a bad step in the model name is a 400 on param model", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, { model: "mock/faults=500+boom" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { param: "model", message: expect.stringMatching(/step 2 "boom"/) },
    });
  });

  it("the x-mock-faults header wins over the model name", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, { model: "mock/faults=500", headers: { "x-mock-faults": "ok" } });
    expect(res.status).toBe(200);
  });
});

describe("scenario rules", () => {
  it("match models exactly, by wildcard or by /regex/", async () => {
    const gateway = await startGateway({
      rules: [
        { match: { model: "openai/gpt-4o" }, faults: ["500", "ok"] },
        { match: { model: "anthropic/*" }, faults: "429:s=0" },
        { match: { model: "/^google\\/.+-flash$/" }, faults: ["503"] },
      ],
    });
    const run = (model: string, key: string) => () =>
      chat(gateway, { model, headers: { "x-mock-key": key } });
    expect(await statuses(run("openai/gpt-4o", "o"), 2)).toEqual([500, 200]);
    expect(await statuses(run("openai/gpt-4o-mini", "o2"), 1)).toEqual([200]);
    expect(await statuses(run("anthropic/claude", "a"), 2)).toEqual([429, 200]);
    expect(await statuses(run("google/gemini-2.0-flash", "g"), 1)).toEqual([503]);
    expect(await statuses(run("google/gemini-pro", "g2"), 1)).toEqual([200]);
  });
});

describe("seeded probabilistic faults", () => {
  async function sequence(options: { seed: number; faultRate: number }, count: number) {
    const gateway = await startGateway({ ...options, faultKinds: ["500", "502", "503", "429:s=0"] });
    const result = await statuses(() => chat(gateway), count);
    await gateway.close();
    return { result, stats: gateway.stats() };
  }

  it("is deterministic for a seed and differs across seeds", async () => {
    const first = await sequence({ seed: 42, faultRate: 0.5 }, 40);
    const again = await sequence({ seed: 42, faultRate: 0.5 }, 40);
    const other = await sequence({ seed: 7, faultRate: 0.5 }, 40);
    expect(again.result).toEqual(first.result);
    expect(other.result).not.toEqual(first.result);
    expect(new Set(first.result)).toEqual(new Set([200, 500, 502, 503, 429]));
  });

  it("serves faults at about the configured rate over 1,000 requests", { timeout: 60_000 }, async () => {
    const gateway = await startGateway({
      seed: 3,
      faultRate: 0.2,
      faultKinds: ["500", "502", "503", "429:s=0"],
    });
    const result: number[] = [];
    // Batches of 25 in parallel: the count of faults only depends on how many draws the seeded PRNG makes.
    for (let batch = 0; batch < 40; batch++) {
      const responses = await Promise.all(Array.from({ length: 25 }, () => chat(gateway)));
      for (const res of responses) {
        await res.arrayBuffer();
        result.push(res.status);
      }
    }
    const stats = gateway.stats();
    expect(stats.requests).toBe(1000);
    const faults = result.filter((status) => status !== 200).length;
    // Binomial(1000, 0.2): sd ~ 12.6, so +-60 is over 4.5 sd.
    expect(faults).toBeGreaterThan(140);
    expect(faults).toBeLessThan(260);
    expect(stats.faultsTotal).toBe(faults);
  });

  it("x-mock-fault-rate overrides the rate per request", async () => {
    const gateway = await startGateway({ seed: 1, faultRate: 0, faultKinds: ["500"] });
    const always = () => chat(gateway, { headers: { "x-mock-fault-rate": "1" } });
    expect(await statuses(always, 3)).toEqual([500, 500, 500]);
    const never = () => chat(gateway, { headers: { "x-mock-fault-rate": "0" } });
    expect(await statuses(never, 3)).toEqual([200, 200, 200]);
    const bad = await chat(gateway, { headers: { "x-mock-fault-rate": "2" } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { param: "x-mock-fault-rate" } });
  });

  it("default fault kinds include reset", async () => {
    const gateway = await startGateway({ seed: 5 });
    let resets = 0;
    for (let i = 0; i < 60; i++) {
      try {
        await (await chat(gateway, { headers: { "x-mock-fault-rate": "1" } })).arrayBuffer();
      } catch {
        resets++;
      }
    }
    expect(resets).toBeGreaterThan(0);
    expect(gateway.stats().faultsServed.reset).toBe(resets);
  });

  it("scripted requests are never given random faults", async () => {
    const gateway = await startGateway({ seed: 1, faultRate: 1, faultKinds: ["500"] });
    const run = () => chat(gateway, { headers: { "x-mock-faults": "ok", "x-mock-key": "x" } });
    expect(await statuses(run, 3)).toEqual([200, 200, 200]);
  });
});

describe("script cache", () => {
  it("a cached script still counts per key and a bad script is rejected every time", async () => {
    const gateway = await startGateway();
    const run = (key: string) => () =>
      chat(gateway, { headers: { "x-mock-faults": "500,ok", "x-mock-key": key } });
    expect(await statuses(run("c1"), 2)).toEqual([500, 200]);
    expect(await statuses(run("c2"), 2)).toEqual([500, 200]);
    for (let i = 0; i < 2; i++) {
      const bad = await chat(gateway, { headers: { "x-mock-faults": "500,nope" } });
      expect(bad.status).toBe(400);
      await bad.arrayBuffer();
    }
  });
});
