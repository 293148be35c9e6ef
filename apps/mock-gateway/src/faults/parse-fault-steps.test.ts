import { thrownBy } from "@promptreg/test-kit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidFaultStepError } from "../errors/invalid-fault-step-error.js";
import { MockGatewayError } from "../errors/mock-gateway-error.js";
import { parseFaultStep, parseFaultSteps } from "./parse-fault-steps.js";

describe("parseFaultSteps", () => {
  it("parses every kind of the protocol table", () => {
    const steps = parseFaultSteps(
      "ok,429,429:s=3,429:date=10,429:ms=500,429:none,429:raw=-1,500,502,503,503:s=2,504,400,401,403,404,408,409,422," +
        "reset,delay:ms=100,stall:after=2,cut:after=1,malformed,inband-error:after=3,drip:ms=20," +
        "failover:provider=anthropic;model=anthropic/claude,cache-hit",
    );
    expect(steps.map(({ text: _text, ...rest }) => rest)).toEqual([
      { kind: "ok" },
      { kind: "status", status: 429, retryAfter: { kind: "seconds", seconds: 1 } },
      { kind: "status", status: 429, retryAfter: { kind: "seconds", seconds: 3 } },
      { kind: "status", status: 429, retryAfter: { kind: "date", seconds: 10 } },
      { kind: "status", status: 429, retryAfter: { kind: "ms", ms: 500 } },
      { kind: "status", status: 429, retryAfter: { kind: "none" } },
      { kind: "status", status: 429, retryAfter: { kind: "raw", text: "-1" } },
      { kind: "status", status: 500 },
      { kind: "status", status: 502 },
      { kind: "status", status: 503 },
      { kind: "status", status: 503, retryAfter: { kind: "seconds", seconds: 2 } },
      { kind: "status", status: 504 },
      ...[400, 401, 403, 404, 408, 409, 422].map((status) => ({ kind: "status", status })),
      { kind: "reset" },
      { kind: "delay", ms: 100 },
      { kind: "stall", after: 2 },
      { kind: "cut", after: 1 },
      { kind: "malformed" },
      { kind: "inband-error", after: 3 },
      { kind: "drip", ms: 20 },
      { kind: "failover", provider: "anthropic", model: "anthropic/claude" },
      { kind: "cache-hit" },
    ]);
  });

  it("tolerates spaces and upper case and keeps the step text", () => {
    expect(parseFaultSteps(" 500 , Reset ")).toEqual([
      { kind: "status", status: 500, text: "500" },
      { kind: "reset", text: "Reset" },
    ]);
    expect(parseFaultSteps("")).toEqual([]);
  });

  it("throws a typed error naming the step, its position and origin", () => {
    const caught = thrownBy(() => parseFaultSteps("ok,stall:after=-1", { origin: "x-mock-faults header" }));
    expect(InvalidFaultStepError.isInstance(caught)).toBe(true);
    expect(MockGatewayError.isInstance(caught)).toBe(true);
    const error = caught as InvalidFaultStepError;
    expect(error).toMatchObject({ code: "invalid_fault_step", step: "stall:after=-1", position: 2 });
    expect(error.message).toMatch(/step 2 "stall:after=-1" in the x-mock-faults header/);
    expect(error.message).toMatch(/between 0 and 10000/);
  });

  it.each([
    ["", /empty step/],
    ["delay", /needs the parameter "ms"/],
    ["delay:ms", /needs a value/],
    ["delay:ms=1.5", /integer/],
    ["delay:ms=9999999", /between/],
    ["429:s=1;s=2", /given twice/],
    ["429:raw=\u0001", /printable ASCII/],
    ["429:later", /unknown parameter "later"/],
    ["reset:now=1", /takes no parameters/],
    ["failover:provider=a b", /provider must be/],
    ["cut:", /empty parameter/],
  ])("rejects %j", (text, reason) => {
    expect(() => parseFaultStep(text)).toThrow(reason);
  });

  it("parses any well-formed list into the steps it was built from", () => {
    const n = fc.integer({ min: 0, max: 5000 });
    const step = fc.oneof(
      fc
        .constantFrom("ok", "reset", "malformed", "cache-hit")
        .map((kind) => ({ text: kind, expected: { kind } })),
      fc.constantFrom(400, 401, 403, 404, 408, 409, 422, 500, 502, 504).map((status) => ({
        text: String(status),
        expected: { kind: "status", status },
      })),
      fc.tuple(fc.constantFrom(429, 503), n).map(([status, seconds]) => ({
        text: `${status}:s=${seconds}`,
        expected: { kind: "status", status, retryAfter: { kind: "seconds", seconds } },
      })),
      fc
        .tuple(fc.constantFrom("delay", "drip"), n)
        .map(([kind, ms]) => ({ text: `${kind}:ms=${ms}`, expected: { kind, ms } })),
      fc
        .tuple(fc.constantFrom("stall", "cut", "inband-error"), fc.integer({ min: 0, max: 50 }))
        .map(([kind, after]) => ({
          text: `${kind}:after=${after}`,
          expected: { kind, after },
        })),
      fc
        .tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), fc.stringMatching(/^[a-z]{1,5}\/[a-z0-9.-]{1,8}$/))
        .map(([provider, model]) => ({
          text: `failover:provider=${provider};model=${model}`,
          expected: { kind: "failover", provider, model },
        })),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), (steps) => {
        const parsed = parseFaultSteps(steps.map((s) => s.text).join(","));
        expect(parsed).toEqual(steps.map((s) => ({ ...s.expected, text: s.text })));
      }),
    );
  });

  it("never throws anything but InvalidFaultStepError on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        try {
          parseFaultSteps(text);
        } catch (error) {
          expect(InvalidFaultStepError.isInstance(error)).toBe(true);
        }
      }),
    );
  });
});
