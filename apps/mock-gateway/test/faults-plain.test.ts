import { describe, expect, it } from "vitest";
import { chat, readFramesThenListen, startGateway } from "./helpers.js";

function faults(steps: string, key = "k") {
  return { headers: { "x-mock-faults": steps, "x-mock-key": key } };
}

describe("scripted status faults (plain)", () => {
  it("429 sends Retry-After: 1 and the gateway error body", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, { model: "openai/gpt-4o", ...faults("429") });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(res.headers.get("retry-after-ms")).toBeNull();
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({
      type: "rate_limit_error",
      error_type: "rate_limit_error",
      error_origin: "provider",
      reason: "rate_limited",
      failed_providers: ["openai"],
      attempt_count: 1,
    });
    expect(body.error.generation_id).toBe(res.headers.get("x-generation-id"));
    expect(typeof body.error.message).toBe("string");
  });

  it.each([
    ["429:s=7", "7", null],
    ["429:ms=1500", null, "1500"],
    ["429:none", null, null],
    ["429:raw=-5", "-5", null],
    ["429:raw=soon-ish", "soon-ish", null],
    ["503:s=3", "3", null],
    ["503", null, null],
    ["503:ms=250", null, "250"],
  ])("%s sets retry-after=%s retry-after-ms=%s", async (step, after, afterMs) => {
    const gateway = await startGateway();
    const res = await chat(gateway, faults(step));
    expect(res.status).toBe(Number(step.slice(0, 3)));
    expect(res.headers.get("retry-after")).toBe(after);
    expect(res.headers.get("retry-after-ms")).toBe(afterMs);
  });

  it("429:date=N sends an HTTP date about N seconds ahead", async () => {
    const gateway = await startGateway();
    const before = Date.now();
    const res = await chat(gateway, faults("429:date=30"));
    const header = res.headers.get("retry-after")!;
    expect(header).toMatch(/GMT$/);
    const ahead = Date.parse(header) - before;
    // HTTP dates have 1 s resolution; allow generous slack either way.
    expect(ahead).toBeGreaterThan(25_000);
    expect(ahead).toBeLessThan(35_000);
  });

  it.each([400, 401, 403, 404, 408, 409, 422, 500, 502, 504])(
    "%i answers that status with an error body",
    async (status) => {
      const gateway = await startGateway();
      const res = await chat(gateway, faults(String(status)));
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toBe("application/json");
      const body = (await res.json()) as { error: { type: string; error_origin: string; reason: string } };
      expect(body.error.type).toBeTruthy();
      expect(["gateway", "provider"]).toContain(body.error.error_origin);
      expect(body.error.reason).toBeTruthy();
    },
  );

  it("502 and 503 name the failed provider, 500 is a gateway error", async () => {
    const gateway = await startGateway();
    const read = async (step: string) =>
      (
        (await (await chat(gateway, { model: "google/gemini", ...faults(step, step) })).json()) as {
          error: { error_origin: string; failed_providers: string[] };
        }
      ).error;
    expect(await read("502")).toMatchObject({ error_origin: "provider", failed_providers: ["google"] });
    expect(await read("503")).toMatchObject({ error_origin: "provider", failed_providers: ["google"] });
    expect(await read("500")).toMatchObject({ error_origin: "gateway", failed_providers: [] });
  });
});

describe("connection faults (plain)", () => {
  it("reset: fetch rejects before any response", async () => {
    const gateway = await startGateway();
    await expect(chat(gateway, faults("reset"))).rejects.toThrow(TypeError);
    // The gateway keeps serving after a reset.
    expect((await chat(gateway)).status).toBe(200);
    expect(gateway.stats().faultsServed).toEqual({ reset: 1 });
  });

  it("stall: headers arrive, the body never does", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, faults("stall:after=0"));
    expect(res.status).toBe(200);
    expect(Number(res.headers.get("content-length"))).toBeGreaterThan(0);
    const { received, moreBytes } = await readFramesThenListen(res, { frames: 0, windowMs: 250 });
    expect(received).toEqual([]);
    expect(moreBytes).toBe(false);
  });

  it("stall: close() ends a stalled response at once instead of waiting 60 s", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, faults("stall:after=0"));
    const body = res.text();
    await gateway.close();
    await expect(body).rejects.toThrow();
  });

  it("stall gives up after stallTimeoutMs and destroys the socket", async () => {
    const gateway = await startGateway({ stallTimeoutMs: 50 });
    const res = await chat(gateway, faults("stall:after=0"));
    await expect(res.text()).rejects.toThrow();
  });

  it("cut: a 200 whose body ends mid-JSON", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, faults("cut:after=0"));
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.startsWith('{"id":"gen_')).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
  });

  it("malformed: a 200 whose body is not JSON", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, faults("malformed"));
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow(SyntaxError);
  });

  it("failover: provider and model in headers and body", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, {
      model: "openai/gpt-4o",
      ...faults("failover:provider=anthropic;model=anthropic/claude-3-5-haiku"),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-phaseo-provider")).toBe("anthropic");
    expect(res.headers.get("x-provider")).toBe("anthropic");
    expect(await res.json()).toMatchObject({ provider: "anthropic", model: "anthropic/claude-3-5-haiku" });
  });

  it("cache-hit: x-phaseo-cache: hit on an otherwise normal reply", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, faults("cache-hit"));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-phaseo-cache")).toBe("hit");
    expect(await res.json()).toMatchObject({ object: "chat.completion" });
  });

  it("ok, drip and inband-error on a plain request are normal replies", async () => {
    const gateway = await startGateway();
    for (const step of ["ok", "drip:ms=5", "inband-error:after=1"]) {
      const res = await chat(gateway, faults(step, step));
      expect(res.status).toBe(200);
      expect(res.headers.get("x-mock-step")).toBe(step);
      expect(await res.json()).toMatchObject({
        object: "chat.completion",
        choices: [{ finish_reason: "stop" }],
      });
    }
  });
});

describe("bad fault steps", () => {
  it.each([
    ["explode", /unknown kind "explode"/],
    ["418", /status 418 is not scriptable/],
    ["stall", /needs the parameter "after"/],
    ["stall:afterr=3", /unknown parameter "afterr"/],
    ["delay:ms=abc", /must be an integer/],
    ["429:s=1;ms=2", /at most one/],
    ["500:s=1", /takes no parameters/],
    ["ok,,500", /empty step/],
    ["failover:model=x", /needs the parameter "provider"/],
  ])("x-mock-faults: %s -> 400 naming the step", async (steps, reason) => {
    const gateway = await startGateway();
    const res = await chat(gateway, faults(steps));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; param: string; type: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.param).toBe("x-mock-faults");
    expect(body.error.message).toMatch(reason);
    expect(body.error.message).toMatch(/Invalid fault step \d/);
    // A rejected script does not consume a step for its key.
    expect(gateway.stats().requestsByKey).toEqual({});
  });
});
