import type { ChatRequest, ChatResult, ChatStream, ProviderMetadata } from "@promptreg/gateway";
import { loadRegistryFromDir } from "@promptreg/registry";
import { createRenderer } from "@promptreg/renderer";
import { beforeAll, describe, expect, it } from "vitest";
import { OutputInvalidError } from "../errors/output-invalid-error.js";
import type { RendererPort } from "./ports.js";
import {
  buildChatRequest,
  type GatewayPort,
  type RunOptions,
  runTemplate,
  streamTemplate,
} from "./run-template.js";

const FIXTURES = new URL("../../test/__fixtures__/templates/", import.meta.url).pathname;
let renderer: RendererPort;
beforeAll(async () => {
  renderer = createRenderer({ registry: await loadRegistryFromDir(FIXTURES) });
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

/**
 * Model replies cannot be scripted through the mock gateway (it always answers schema-valid JSON when asked
 * for json_schema), so the repair loop is driven by a scripted port that records what it was sent.
 */
function scripted(replies: string[], costs: (number | undefined)[] = []) {
  const requests: ChatRequest[] = [];
  let call = 0;
  const gateway: GatewayPort = {
    async chat(request) {
      requests.push(request);
      const index = call++;
      return result(replies[index] ?? "", costs[index]);
    },
    chatStream(request) {
      requests.push(request);
      const index = call++;
      const text = replies[index] ?? "";
      const stream = {
        result: Promise.resolve(result(text, costs[index])),
        abort() {},
        async *[Symbol.asyncIterator]() {
          for (const part of text.match(/.{1,5}/gs) ?? []) yield { type: "delta" as const, text: part };
        },
      };
      return stream as ChatStream;
    },
  };
  return { gateway, requests };
}

/** Run options for the fixture summarize template (an output schema, so replies are validated and repaired). */
function summarize(gateway: GatewayPort, repairAttempts = 1): RunOptions {
  return { renderer, gateway, ref: "support/summarize@1.0.0", input: { ticket: "x" }, repairAttempts };
}

const good = JSON.stringify({ summary: "Invoice is wrong", sentiment: "negative" });

describe("buildChatRequest", () => {
  it("passes params, fallbacks and the output schema as a strict json_schema response format", () => {
    const rendered = renderer.render("support/summarize@1.0.0", { ticket: "x" });
    const request = buildChatRequest(rendered);
    expect(request).toMatchObject({
      model: "openai/gpt-4o-mini",
      temperature: 0.2,
      max_tokens: 200,
      fallbacks: ["anthropic/claude-3-5-haiku"],
      response_format: {
        type: "json_schema",
        json_schema: { name: "support_summarize", strict: true, schema: rendered.outputSchema },
      },
    });
    expect(buildChatRequest(renderer.render("support/greet", { name: "A" }))).not.toHaveProperty(
      "response_format",
    );
  });
});

describe("runTemplate", () => {
  it("returns parsed output without repair when the first reply is valid", async () => {
    const { gateway, requests } = scripted([`Here you go:\n\`\`\`json\n${good}\n\`\`\``], [0.01]);
    const run = await runTemplate(summarize(gateway));
    expect(run.output).toEqual(JSON.parse(good));
    expect(run.repairs).toBe(0);
    expect(run.cost).toBe(0.01);
    expect(requests).toHaveLength(1);
  });

  it("re-asks once with the validation errors, then sums usage and cost", async () => {
    const { gateway, requests } = scripted(['{"summary": ""}', good], [0.01, 0.02]);
    const run = await runTemplate(summarize(gateway));
    expect(run.repairs).toBe(1);
    expect(run.output).toEqual(JSON.parse(good));
    expect(run.usage).toEqual({ promptTokens: 20, completionTokens: 10, totalTokens: 30 });
    expect(run.cost).toBeCloseTo(0.03);
    const repair = requests[1]?.messages ?? [];
    expect(repair.at(-2)).toEqual({ role: "assistant", content: '{"summary": ""}' });
    expect(String(repair.at(-1)?.content)).toMatch(/sentiment/);
  });

  it("throws OutputInvalidError after the bounded attempts, keeping the raw text", async () => {
    const { gateway, requests } = scripted(["no json here", "still none", "never"]);
    const error = await runTemplate(summarize(gateway)).catch((e: unknown) => e);
    expect(OutputInvalidError.isInstance(error)).toBe(true);
    expect((error as OutputInvalidError).details).toMatchObject({
      attempts: 2,
      reason: "no_json",
      text: "still none",
    });
    expect((error as OutputInvalidError).status).toBe(502);
    expect(requests).toHaveLength(2);
  });

  it("does not repair when repairAttempts is 0, and reports unknown cost as null", async () => {
    const { gateway, requests } = scripted(["nope"]);
    await expect(runTemplate(summarize(gateway, 0))).rejects.toThrow(/did not match/);
    expect(requests).toHaveLength(1);
    const text = await runTemplate({
      renderer,
      gateway: scripted(["hi"]).gateway,
      ref: "support/greet",
      input: { name: "A" },
      repairAttempts: 0,
    });
    expect(text).toMatchObject({ output: "hi", cost: null });
  });
});

describe("streamTemplate", () => {
  it("yields the deltas of the first reply, a repair marker, then the validated final result", async () => {
    const { gateway } = scripted(["{bad json", good]);
    const events = [];
    for await (const event of streamTemplate(summarize(gateway))) {
      events.push(event);
    }
    const kinds = events.map((event) => event.type);
    expect(kinds.filter((kind) => kind === "delta").length).toBeGreaterThan(1);
    expect(kinds.slice(-2)).toEqual(["repair", "final"]);
    expect(events.at(-2)).toMatchObject({ reason: "invalid_json" });
    expect(events.at(-1)).toMatchObject({ result: { output: JSON.parse(good), repairs: 1 } });
  });
});
