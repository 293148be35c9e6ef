import { describe, expect, it } from "vitest";
import { chat, LONG_TEXT, startGateway } from "./helpers.js";

interface Completion {
  id: string;
  object: string;
  model: string;
  provider: string;
  choices: { message: { role: string; content: string }; finish_reason: string }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number; cost?: number };
}

interface ErrorBody {
  error: {
    message: string;
    type: string;
    error_type: string;
    error_origin: string;
    reason: string;
    failed_providers: string[];
    attempt_count: number;
    generation_id: string;
    param?: string | null;
  };
}

describe("plain chat completions", () => {
  it("echoes the last user message in OpenAI format with provider metadata", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, {
      model: "anthropic/claude-3-5-haiku",
      body: {
        messages: [
          { role: "system", content: "be brief" },
          { role: "user", content: "first question" },
          { role: "assistant", content: "first answer" },
          {
            role: "user",
            content: [
              { type: "text", text: "second " },
              { type: "text", text: "question" },
            ],
          },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("x-phaseo-provider")).toBe("anthropic");
    expect(res.headers.get("x-provider")).toBe("anthropic");
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
    const body = (await res.json()) as Completion;
    expect(res.headers.get("x-generation-id")).toBe(body.id);
    expect(body.id).toMatch(/^gen_[0-9a-f]{32}$/);
    expect(body.object).toBe("chat.completion");
    expect(body.model).toBe("anthropic/claude-3-5-haiku");
    expect(body.provider).toBe("anthropic");
    expect(body.choices[0]!.message).toMatchObject({ role: "assistant", content: "Echo: second question" });
    expect(body.choices[0]!.finish_reason).toBe("stop");
    // "be brief" + "first question" + "first answer" + "second question" = 49 chars -> 13 tokens.
    expect(body.usage).toEqual({ prompt_tokens: 13, completion_tokens: 6, total_tokens: 19 });
    expect(res.headers.get("x-phaseo-cache")).toBeNull();
  });

  it("truncates long echoes to about 200 characters", async () => {
    const gateway = await startGateway();
    const body = (await (await chat(gateway, { text: "a".repeat(5000) })).json()) as Completion;
    const content = body.choices[0]!.message.content;
    expect(content.length).toBeLessThanOrEqual(200);
    expect(content.startsWith("Echo: aaaa")).toBe(true);
  });

  it("reports cost only when x-mock-cost: on or the cost option is set", async () => {
    const gateway = await startGateway();
    const without = (await (await chat(gateway)).json()) as Completion;
    expect(without.usage.cost).toBeUndefined();
    const withHeader = (await (
      await chat(gateway, { headers: { "x-mock-cost": "on" } })
    ).json()) as Completion;
    const { prompt_tokens: p, completion_tokens: c } = withHeader.usage;
    expect(withHeader.usage.cost).toBeCloseTo(p * 0.000001 + c * 0.000002, 12);
    const upper = (await (await chat(gateway, { headers: { "x-mock-cost": "ON" } })).json()) as Completion;
    expect(upper.usage.cost).toBe(withHeader.usage.cost);
    const always = await startGateway({ cost: true });
    const fromOption = (await (await chat(always)).json()) as Completion;
    expect(fromOption.usage.cost).toBeGreaterThan(0);
  });

  it("reports the default provider 'mock' for a model without a provider part, or a configured one", async () => {
    const gateway = await startGateway({ providers: { "gpt-4o": "azure" } });
    expect((await chat(gateway, { model: "echo-model" })).headers.get("x-phaseo-provider")).toBe("mock");
    expect((await chat(gateway, { model: "gpt-4o" })).headers.get("x-phaseo-provider")).toBe("azure");
  });
});

describe("request validation", () => {
  async function post(body: string, headers: Record<string, string> = {}) {
    const gateway = await startGateway();
    const res = await fetch(`${gateway.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
    return { status: res.status, body: (await res.json()) as ErrorBody };
  }

  it("answers bad JSON with a 400 OpenAI-style error", async () => {
    const { status, body } = await post("{not json");
    expect(status).toBe(400);
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toMatch(/not valid JSON/);
    expect(body.error.generation_id).toMatch(/^gen_/);
  });

  it.each([
    ["[]", null, /JSON object/],
    ['{"messages":[{"role":"user","content":"x"}]}', "model", /"model"/],
    ['{"model":"a","messages":[]}', "messages", /"messages"/],
    ['{"model":"a"}', "messages", /"messages"/],
    ['{"model":"a","messages":["hi"]}', "messages[0].role", /messages\[0\]/],
    ['{"model":"a","messages":[{"role":"user"}],"stream":"yes"}', "stream", /stream/],
    [
      '{"model":"a","messages":[{"role":"user"}],"response_format":{"type":"xml"}}',
      "response_format.type",
      /xml/,
    ],
  ])("rejects %s with a 400 naming %s", async (raw, param, message) => {
    const { status, body } = await post(raw);
    expect(status).toBe(400);
    expect(body.error.param ?? null).toBe(param);
    expect(body.error.message).toMatch(message);
  });

  it("accepts unknown model prefixes", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, { model: "nobody/knows-this-model" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-phaseo-provider")).toBe("nobody");
  });

  it("answers unknown routes with 404 and wrong methods with 405", async () => {
    const gateway = await startGateway();
    const missing = await fetch(`${gateway.url}/embeddings`, { method: "POST", body: "{}" });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorBody).error.message).toMatch(/POST \/v1\/chat\/completions/);
    const wrong = await fetch(`${gateway.url}/chat/completions`);
    expect(wrong.status).toBe(405);
  });

  it("serves the model list", async () => {
    const gateway = await startGateway({ models: ["mock/echo", "openai/gpt-4o"] });
    const res = await fetch(`${gateway.url}/models`);
    expect(await res.json()).toMatchObject({
      object: "list",
      data: [
        { id: "mock/echo", object: "model", owned_by: "mock" },
        { id: "openai/gpt-4o", object: "model", owned_by: "openai" },
      ],
    });
    const one = await fetch(`${gateway.url}/models/openai%2Fgpt-4o`);
    expect(await one.json()).toMatchObject({ id: "openai/gpt-4o", object: "model" });
  });
});

describe("bearer check", () => {
  const apiKey = "sk-mock-secret-key-1234567890";

  it("answers 401 without or with a wrong key, never echoing either key", async () => {
    const gateway = await startGateway({ apiKey });
    const missing = await chat(gateway);
    expect(missing.status).toBe(401);
    const wrongKey = "sk-wrong-key-abcdefghijkl";
    const wrong = await chat(gateway, { headers: { authorization: `Bearer ${wrongKey}` } });
    expect(wrong.status).toBe(401);
    const text = await wrong.text();
    expect(text).not.toContain(wrongKey);
    expect(text).not.toContain(apiKey);
    expect(JSON.parse(text)).toMatchObject({ error: { type: "authentication_error" } });
    expect(await missing.text()).toMatch(/Authorization: Bearer/);
    const models = await fetch(`${gateway.url}/models`);
    expect(models.status).toBe(401);
  });

  it("accepts the right key", async () => {
    const gateway = await startGateway({ apiKey });
    const res = await chat(gateway, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Completion).choices[0]!.message.content).toBe(`Echo: ${LONG_TEXT}`);
  });
});
