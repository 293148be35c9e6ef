import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { startGateway } from "./helpers.js";

describe("the official openai SDK works against the mock unchanged", () => {
  it("chat.completions.create, plain", async () => {
    const gateway = await startGateway({ apiKey: "sk-test" });
    const client = new OpenAI({ baseURL: gateway.url, apiKey: "sk-test", maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: "openai/gpt-4o-mini",
      messages: [{ role: "user", content: "Hello SDK" }],
    });
    expect(completion.choices[0]!.message.content).toBe("Echo: Hello SDK");
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    expect(completion.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
  });

  it("chat.completions.create with stream: true", async () => {
    const gateway = await startGateway();
    const client = new OpenAI({ baseURL: gateway.url, apiKey: "sk-test", maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: "anthropic/claude-3-5-haiku",
      messages: [{ role: "user", content: "stream these few words to me please" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe("Echo: stream these few words to me please");
    expect(finish).toBe("stop");
    expect(usage?.total_tokens).toBeGreaterThan(0);
  });

  it("models.list()", async () => {
    const gateway = await startGateway();
    const client = new OpenAI({ baseURL: gateway.url, apiKey: "sk-test" });
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain("mock/echo");
    expect(ids).toContain("openai/gpt-4o-mini");
  });

  it("the SDK's own retries recover from a scripted 500 (model-name control + x-mock-key)", async () => {
    const gateway = await startGateway();
    const client = new OpenAI({
      baseURL: gateway.url,
      apiKey: "sk-test",
      maxRetries: 2,
      defaultHeaders: { "x-mock-key": "sdk-retry" },
    });
    const completion = await client.chat.completions.create({
      model: "mock/faults=500+503:s=0+ok",
      messages: [{ role: "user", content: "retry me" }],
    });
    expect(completion.model).toBe("mock/echo");
    expect(gateway.stats().requestsByKey).toEqual({ "sdk-retry": 3 });
  }, 20_000);

  it("a scripted error surfaces as the SDK's typed APIError with the gateway body", async () => {
    const gateway = await startGateway();
    const client = new OpenAI({ baseURL: gateway.url, apiKey: "sk-test", maxRetries: 0 });
    const error = await client.chat.completions
      .create({ model: "mock/faults=422", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(422);
    expect((error as InstanceType<typeof OpenAI.APIError>).type).toBe("invalid_request_error");
  });

  it("rejects a wrong key with AuthenticationError", async () => {
    const gateway = await startGateway({ apiKey: "sk-right" });
    const client = new OpenAI({ baseURL: gateway.url, apiKey: "sk-wrong", maxRetries: 0 });
    await expect(client.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
