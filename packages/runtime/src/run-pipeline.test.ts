import type { ChatOptions, ChatRequest, ChatResult, ChatStream, ProviderMetadata } from "@promptreg/gateway";
import { createGatewayClient, IncompleteStreamError, TimeoutError } from "@promptreg/gateway";
import { createMockGateway } from "@promptreg/mock-gateway";
import { loadRegistryFromDir, type Registry } from "@promptreg/registry";
import { createRenderer, OutputValidationError, type Renderer } from "@promptreg/renderer";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { RunDeadlineError } from "./errors/run-deadline-error.js";
import { RunError } from "./errors/run-error.js";
import { RunOutputInvalidError } from "./errors/run-output-invalid-error.js";
import {
  createRunPipeline,
  type GatewayPort,
  type RunEvent,
  type RunPipelineOptions,
} from "./run-pipeline.js";

const FIXTURES = new URL("./__fixtures__/templates/", import.meta.url).pathname;
let registry: Registry;
let renderer: Renderer;
beforeAll(async () => {
  registry = await loadRegistryFromDir(FIXTURES);
  renderer = createRenderer({ registry });
});

function result(text: string, cost?: number): ChatResult {
  return {
    text,
    message: { role: "assistant", content: text },
    finishReason: "stop",
    usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15 },
    cost: cost === undefined ? undefined : { usd: cost, source: "gateway" },
    metadata: { provider: "openai" } as ProviderMetadata,
  };
}

/** A fake clock the scripted gateway moves forward: each call "takes" its scripted duration. */
function fakeClock(start = 1_000_000) {
  let time = start;
  return {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

/**
 * Model replies cannot be scripted through the mock gateway (it always answers schema-valid JSON when asked for
 * json_schema), so the repair loop is driven by a scripted port that records what it was sent and with which
 * deadline, and moves the fake clock by each call's duration.
 */
function scripted({
  replies,
  costs = [],
  durations = [],
  clock = fakeClock(),
}: {
  replies: string[];
  costs?: (number | undefined)[];
  durations?: number[];
  clock?: ReturnType<typeof fakeClock>;
}) {
  const calls: { request: ChatRequest; options: ChatOptions | undefined }[] = [];
  let call = 0;
  const next = (request: ChatRequest, options: ChatOptions | undefined) => {
    calls.push({ request, options });
    const index = call++;
    clock.advance(durations[index] ?? 0);
    return { text: replies[index] ?? "", cost: costs[index] };
  };
  const gateway: GatewayPort = {
    async chat(request, options) {
      const { text, cost } = next(request, options);
      return result(text, cost);
    },
    chatStream(request, options) {
      const { text, cost } = next(request, options);
      const stream = {
        result: Promise.resolve(result(text, cost)),
        abort() {},
        async *[Symbol.asyncIterator]() {
          for (const part of text.match(/.{1,5}/gs) ?? []) yield { type: "delta" as const, text: part };
        },
      };
      return stream as ChatStream;
    },
  };
  return { gateway, calls, clock };
}

function pipeline(gateway: GatewayPort, extra: Partial<RunPipelineOptions> = {}) {
  return createRunPipeline({ registry, renderer, gateway, repairAttempts: 1, ...extra });
}

const good = JSON.stringify({ summary: "Invoice is wrong", sentiment: "negative" });

describe("createRunPipeline: run", () => {
  it("returns parsed output without repair when the first reply is valid", async () => {
    const { gateway, calls, clock } = scripted({
      replies: [`Here:\n\`\`\`json\n${good}\n\`\`\``],
      costs: [0.01],
    });
    const runs = pipeline(gateway, { now: clock.now });
    const version = runs.resolve("support/summarize@1.0.0");
    const run = await runs.run({ version, input: { ticket: "x" }, deadlineAt: clock.now() + 10_000 });
    expect(run.output).toEqual(JSON.parse(good));
    expect(run).toMatchObject({ repairs: 0, cost: 0.01, ref: { id: "support/summarize", version: "1.0.0" } });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.request).toMatchObject({
      model: "openai/gpt-4o-mini",
      fallbacks: ["anthropic/claude-3-5-haiku"],
      response_format: { type: "json_schema", json_schema: { name: "support_summarize", strict: true } },
    });
    expect(calls[0]?.options?.telemetryLabels).toEqual({
      template: "support/summarize",
      template_version: "1.0.0",
    });
  });

  it("re-asks once with the validation errors, then sums usage and cost", async () => {
    const { gateway, calls, clock } = scripted({ replies: ['{"summary": ""}', good], costs: [0.01, 0.02] });
    const repairs: string[] = [];
    const runs = pipeline(gateway, { now: clock.now, onRepair: (event) => repairs.push(event.outcome) });
    const version = runs.resolve("support/summarize@1.0.0");
    const run = await runs.run({ version, input: { ticket: "x" }, deadlineAt: clock.now() + 10_000 });
    expect(run.repairs).toBe(1);
    expect(run.output).toEqual(JSON.parse(good));
    expect(run.usage).toEqual({ promptTokens: 20, completionTokens: 10, totalTokens: 30 });
    expect(run.cost).toBeCloseTo(0.03);
    expect(repairs).toEqual(["attempt"]);
    const repair = calls[1]?.request.messages ?? [];
    expect(repair.at(-2)).toEqual({ role: "assistant", content: '{"summary": ""}' });
    expect(String(repair.at(-1)?.content)).toMatch(/sentiment/);
  });

  it("sends the run's idempotency key on the first call and a derived one on each repair; none given, none set", async () => {
    const { gateway, calls, clock } = scripted({ replies: ['{"summary": ""}', good, good] });
    const runs = pipeline(gateway, { now: clock.now });
    const version = runs.resolve("support/summarize@1.0.0");
    const input = { ticket: "x" };
    await runs.run({ version, input, deadlineAt: clock.now() + 10_000, idempotencyKey: "batch_1-7" });
    expect(calls.map((call) => call.options?.idempotencyKey)).toEqual(["batch_1-7", "batch_1-7:repair-1"]);
    await runs.run({ version, input, deadlineAt: clock.now() + 10_000 });
    expect(calls[2]?.options && "idempotencyKey" in calls[2].options).toBe(false);
  });

  it("throws RunOutputInvalidError after the bounded attempts, with the reason as fields and the last reply", async () => {
    const { gateway, calls, clock } = scripted({ replies: ["no json here", "still none", "never"] });
    const repairs: string[] = [];
    const runs = pipeline(gateway, { now: clock.now, onRepair: (event) => repairs.push(event.outcome) });
    const version = runs.resolve("support/summarize@1.0.0");
    const error = await runs
      .run({ version, input: { ticket: "x" }, deadlineAt: clock.now() + 10_000 })
      .catch((e: unknown) => e);
    expect(RunOutputInvalidError.isInstance(error)).toBe(true);
    expect(RunError.isInstance(error)).toBe(true);
    const invalid = error as RunOutputInvalidError;
    expect(invalid).toMatchObject({
      code: "output_invalid",
      origin: "upstream",
      retryable: true,
      templateId: "support/summarize",
      version: "1.0.0",
      attempts: 2,
      reason: "no_json",
      text: "still none",
    });
    expect(OutputValidationError.isInstance(invalid.cause)).toBe(true);
    expect(calls).toHaveLength(2);
    expect(repairs).toEqual(["attempt", "exhausted"]);
  });

  it("does not repair when repairAttempts is 0, and reports unknown cost as null", async () => {
    const first = scripted({ replies: ["nope"] });
    const runs = pipeline(first.gateway, { repairAttempts: 0 });
    const summarize = runs.resolve("support/summarize@1.0.0");
    const error = await runs
      .run({ version: summarize, input: { ticket: "x" }, deadlineAt: Date.now() + 60_000 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "output_invalid", attempts: 1 });
    expect(first.calls).toHaveLength(1);
    const plain = pipeline(scripted({ replies: ["hi"] }).gateway, { repairAttempts: 0 });
    const run = await plain.run({
      version: plain.resolve("support/greet"),
      input: { name: "A" },
      deadlineAt: Date.now() + 60_000,
    });
    expect(run).toMatchObject({ output: "hi", cost: null });
  });

  it("resolves a reference once and renders the carried version (no second lookup)", async () => {
    let lookups = 0;
    const counting = {
      resolve: (ref: Parameters<Registry["resolve"]>[0]) => {
        lookups++;
        return registry.resolve(ref);
      },
    };
    const { gateway, clock } = scripted({ replies: ['{"summary": ""}', good] });
    const runs = createRunPipeline({
      registry: counting,
      renderer,
      gateway,
      repairAttempts: 1,
      now: clock.now,
    });
    const version = runs.resolve("support/summarize@^1");
    await runs.run({ version, input: { ticket: "x" }, deadlineAt: clock.now() + 10_000 });
    expect(lookups).toBe(1);
  });

  it("passes the renderer's input error through before any model call", async () => {
    const { gateway, calls } = scripted({ replies: [good] });
    const runs = pipeline(gateway);
    const version = runs.resolve("support/summarize@1.0.0");
    await expect(
      runs.run({ version, input: { ticket: "" }, deadlineAt: Date.now() + 60_000 }),
    ).rejects.toMatchObject({
      code: "input_invalid",
    });
    expect(calls).toHaveLength(0);
  });
});

describe("createRunPipeline: one absolute deadline", () => {
  it("gives a repair call only what is left of the run's deadline", async () => {
    const { gateway, calls, clock } = scripted({ replies: ["{}", good], durations: [700, 100] });
    const runs = pipeline(gateway, { now: clock.now });
    const version = runs.resolve("support/summarize@1.0.0");
    const run = await runs.run({ version, input: { ticket: "x" }, deadlineAt: clock.now() + 1_000 });
    expect(calls.map((call) => call.options?.deadlineMs)).toEqual([1_000, 300]);
    expect(run.latencyMs).toBe(800);
  });

  it("sends no repair once the deadline has passed: RunDeadlineError with the calls made", async () => {
    const { gateway, calls, clock } = scripted({ replies: ["{}", good], durations: [1_200] });
    const runs = pipeline(gateway, { now: clock.now });
    const version = runs.resolve("support/summarize@1.0.0");
    const deadlineAt = clock.now() + 1_000;
    const error = await runs.run({ version, input: { ticket: "x" }, deadlineAt }).catch((e: unknown) => e);
    expect(RunDeadlineError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: "deadline_exceeded",
      attempts: 1,
      deadlineAt,
      templateId: "support/summarize",
    });
    expect(calls).toHaveLength(1);
  });

  it("sends nothing when the deadline has already passed", async () => {
    const { gateway, calls, clock } = scripted({ replies: [good] });
    const runs = pipeline(gateway, { now: clock.now });
    const version = runs.resolve("support/summarize@1.0.0");
    await expect(
      runs.run({ version, input: { ticket: "x" }, deadlineAt: clock.now() }),
    ).rejects.toMatchObject({ code: "deadline_exceeded", attempts: 0 });
    expect(calls).toHaveLength(0);
  });

  it("caps each call at callDeadlineMs even with more of the run's deadline left", async () => {
    const { gateway, calls, clock } = scripted({ replies: ["{}", good], durations: [100] });
    const runs = pipeline(gateway, { now: clock.now, callDeadlineMs: 500 });
    const version = runs.resolve("support/summarize@1.0.0");
    await runs.run({ version, input: { ticket: "x" }, deadlineAt: clock.now() + 5_000 });
    expect(calls.map((call) => call.options?.deadlineMs)).toEqual([500, 500]);
  });

  it("never lets a call's deadline end after the run's, whatever the calls take", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 2_000 }), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 0, max: 3 }),
        async (durations, budget, repairAttempts) => {
          const { gateway, calls, clock } = scripted({ replies: ["{}", "{}", "{}", "{}"], durations });
          const version = registry.resolve("support/summarize@1.0.0");
          const deadlineAt = clock.now() + budget;
          const startedAt: number[] = [];
          const timed: GatewayPort = {
            chat: (request, options) => {
              startedAt.push(clock.now());
              return gateway.chat(request, options);
            },
            chatStream: gateway.chatStream,
          };
          const error = await createRunPipeline({
            registry,
            renderer,
            gateway: timed,
            repairAttempts,
            now: clock.now,
          })
            .run({ version, input: { ticket: "x" }, deadlineAt })
            .catch((e: unknown) => e);
          expect(RunError.isInstance(error)).toBe(true);
          calls.forEach((call, index) => {
            expect((startedAt[index] ?? 0) + (call.options?.deadlineMs ?? Number.POSITIVE_INFINITY)).toBe(
              deadlineAt,
            );
          });
          expect(calls.length).toBeLessThanOrEqual(repairAttempts + 1);
        },
      ),
      { numRuns: 100 },
    );
  });
});

/**
 * A gateway that behaves like the real client at its deadline: each call takes `durations[i]` on the fake clock,
 * and one that would take longer than the `deadlineMs` it was given is cut at that deadline with the client's
 * overall `TimeoutError`, with the clock at exactly that instant. Replies are schema-invalid, so every call that
 * finishes asks for a repair.
 */
function cuttingGateway(durations: number[], clock = fakeClock()) {
  let call = 0;
  const gateway: GatewayPort = {
    async chat(_request, options) {
      const takes = durations[call++] ?? 0;
      const deadlineMs = options?.deadlineMs ?? Number.POSITIVE_INFINITY;
      if (takes >= deadlineMs) {
        clock.advance(deadlineMs);
        throw new TimeoutError({ deadline: "overall", timeoutMs: deadlineMs });
      }
      clock.advance(takes);
      return result("{}");
    },
    chatStream() {
      throw new Error("not streamed in this test");
    },
  };
  return { gateway, clock, calls: () => call };
}

describe("createRunPipeline: one code when the deadline passes", () => {
  it("a call cut at the run's deadline is RunDeadlineError, like a deadline passed between calls", async () => {
    const { gateway, clock } = cuttingGateway([5_000]);
    const runs = pipeline(gateway, { now: clock.now });
    const deadlineAt = clock.now() + 1_000;
    const error = await runs
      .run({ version: runs.resolve("support/summarize@1.0.0"), input: { ticket: "x" }, deadlineAt })
      .catch((e: unknown) => e);
    expect(RunDeadlineError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: "deadline_exceeded", attempts: 1, cutCall: true, deadlineAt });
    expect(TimeoutError.isInstance((error as Error).cause)).toBe(true);
    expect(clock.now()).toBe(deadlineAt);
  });

  it("cuts a repair call the same way, counting the calls made", async () => {
    const { gateway, clock } = cuttingGateway([400, 5_000]);
    const runs = pipeline(gateway, { now: clock.now });
    const error = await runs
      .run({
        version: runs.resolve("support/summarize@1.0.0"),
        input: { ticket: "x" },
        deadlineAt: clock.now() + 1_000,
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "deadline_exceeded", attempts: 2, cutCall: true });
  });

  it("whatever the calls take, a run that outlives its deadline ends with deadline_exceeded", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 2_000 }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 1, max: 3_000 }),
        async (durations, budget) => {
          const { gateway, clock, calls } = cuttingGateway(durations);
          const deadlineAt = clock.now() + budget;
          const error = await createRunPipeline({
            registry,
            renderer,
            gateway,
            repairAttempts: 2,
            now: clock.now,
          })
            .run({ version: registry.resolve("support/summarize@1.0.0"), input: { ticket: "x" }, deadlineAt })
            .catch((e: unknown) => e);
          // Every reply is invalid, so the run fails: at the deadline (between calls or cutting one), or after
          // its repairs with output_invalid when all three calls fit in the budget.
          const fits = durations.reduce((sum, ms) => sum + ms, 0) < budget;
          expect(error).toMatchObject({ code: fits ? "output_invalid" : "deadline_exceeded" });
          if (!fits) expect(error).toMatchObject({ attempts: calls() });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("leaves the gateway's own limits to the gateway: the per-call cap and attempt timeouts pass through", async () => {
    const { gateway, clock } = cuttingGateway([5_000]);
    const capped = pipeline(gateway, { now: clock.now, callDeadlineMs: 500 });
    const error = await capped
      .run({
        version: capped.resolve("support/summarize@1.0.0"),
        input: { ticket: "x" },
        deadlineAt: clock.now() + 1_000,
      })
      .catch((e: unknown) => e);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ deadline: "overall", timeoutMs: 500 });

    const attempt: GatewayPort = {
      chat: async () => {
        throw new TimeoutError({ deadline: "attempt", timeoutMs: 200 });
      },
      chatStream: gateway.chatStream,
    };
    const runs = pipeline(attempt);
    await expect(
      runs.run({
        version: runs.resolve("support/summarize@1.0.0"),
        input: { ticket: "x" },
        deadlineAt: Date.now() + 60_000,
      }),
    ).rejects.toSatisfy(
      (thrown: unknown) => TimeoutError.isInstance(thrown) && thrown.deadline === "attempt",
    );
  });

  it("a stream cut at the run's deadline after its first deltas is RunDeadlineError too", async () => {
    const clock = fakeClock();
    const cut = new IncompleteStreamError({ reason: "deadline", partialText: "{", retryable: false });
    const gateway: GatewayPort = {
      chat: async () => result(good),
      chatStream(_request, options) {
        const result = Promise.reject(cut);
        result.catch(() => {});
        return {
          result,
          abort() {},
          async *[Symbol.asyncIterator]() {
            yield { type: "delta" as const, text: "{" };
            clock.advance(options?.deadlineMs ?? 0);
            throw cut;
          },
        } as unknown as ChatStream;
      },
    };
    const runs = pipeline(gateway, { now: clock.now });
    const events = runs.stream({
      version: runs.resolve("support/summarize@1.0.0"),
      input: { ticket: "x" },
      deadlineAt: clock.now() + 1_000,
    });
    expect(await events.next()).toMatchObject({ value: { type: "delta", text: "{" } });
    await expect(events.next()).rejects.toMatchObject({
      code: "deadline_exceeded",
      cutCall: true,
      attempts: 1,
    });
  });
});

describe("createRunPipeline: stream", () => {
  it("yields the deltas of the first reply, a repair marker, then the validated final result", async () => {
    const { gateway, calls, clock } = scripted({ replies: ["{bad json", good], durations: [400] });
    const runs = pipeline(gateway, { now: clock.now });
    const version = runs.resolve("support/summarize@1.0.0");
    const events: RunEvent[] = [];
    for await (const event of runs.stream({
      version,
      input: { ticket: "x" },
      deadlineAt: clock.now() + 1_000,
    })) {
      events.push(event);
    }
    const kinds = events.map((event) => event.type);
    expect(kinds.filter((kind) => kind === "delta").length).toBeGreaterThan(1);
    expect(kinds.slice(-2)).toEqual(["repair", "final"]);
    expect(events.at(-2)).toMatchObject({ reason: "invalid_json" });
    expect(events.at(-1)).toMatchObject({ result: { output: JSON.parse(good), repairs: 1 } });
    expect(calls.map((call) => call.options?.deadlineMs)).toEqual([1_000, 600]);
  });

  it("renders at the first next(), so an input error surfaces before any event", async () => {
    const { gateway, calls } = scripted({ replies: [good] });
    const runs = pipeline(gateway);
    const events = runs.stream({
      version: runs.resolve("support/summarize@1.0.0"),
      input: {},
      deadlineAt: Date.now() + 60_000,
    });
    await expect(events.next()).rejects.toMatchObject({ code: "input_invalid" });
    expect(calls).toHaveLength(0);
  });
});

describe("createRunPipeline with the real gateway client and the mock gateway", () => {
  it("runs and streams a template end to end over HTTP", { timeout: 60_000 }, async () => {
    const mock = await createMockGateway({});
    const client = createGatewayClient({ baseUrl: mock.url, apiKey: "test-key" });
    try {
      const runs = pipeline(client);
      const version = runs.resolve("support/summarize@1.0.0");
      const run = await runs.run({
        version,
        input: { ticket: "My invoice" },
        deadlineAt: Date.now() + 30_000,
      });
      expect(run.output).toMatchObject({ summary: expect.any(String) });
      expect(run.repairs).toBe(0);
      const kinds: string[] = [];
      for await (const event of runs.stream({
        version: runs.resolve("support/greet"),
        input: { name: "Ada" },
        deadlineAt: Date.now() + 30_000,
      })) {
        kinds.push(event.type);
      }
      expect(kinds.at(-1)).toBe("final");
      expect(kinds).toContain("delta");
    } finally {
      await client.close();
      await mock.close();
    }
  });
});
