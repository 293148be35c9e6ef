import { createSigningFetch } from "@promptreg/client";
import { createMockGateway, type MockGateway } from "@promptreg/mock-gateway";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureRegistry, SECRETS, startTestServer, type TestServer, testGateway } from "./harness.js";

let mock: MockGateway;
let server: TestServer;
let cutting: TestServer;
let openai: OpenAI;

beforeAll(async () => {
  mock = await createMockGateway({});
  const registry = await fixtureRegistry();
  server = await startTestServer({ registry, gateway: testGateway({ baseUrl: mock.url }) });
  cutting = await startTestServer({
    registry,
    gateway: testGateway({ baseUrl: mock.url, headers: { "x-mock-faults": "cut:after=1" } }),
  });
  openai = new OpenAI({
    baseURL: `${server.url}/v1`,
    apiKey: "not-used-requests-are-signed",
    maxRetries: 0,
    fetch: createSigningFetch({ keyId: "app-main", secret: SECRETS.main }),
  });
});
afterAll(async () => {
  await server.close();
  await cutting.close();
  await mock.close();
});

// The SDK's types do not know `input`; it forwards unknown body fields as they are.
type TemplateParams = OpenAI.ChatCompletionCreateParamsNonStreaming & { input?: Record<string, unknown> };

describe("OpenAI-compatible facade through the official openai SDK", () => {
  it("runs a template: model is template:<ref>, input in a top-level field", async () => {
    const params: TemplateParams = {
      model: "template:support/summarize@production",
      messages: [],
      input: { ticket: "Where is my parcel?" },
    };
    const completion = await openai.chat.completions.create(params);
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe("template:support/summarize@1.0.0");
    const content = completion.choices[0]?.message.content ?? "";
    expect(JSON.parse(content)).toMatchObject({ sentiment: "positive" });
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    expect(completion.choices[0]?.finish_reason).toBe("stop");
  });

  it("accepts the input as a JSON string in metadata.promptreg_input", async () => {
    const completion = await openai.chat.completions.create({
      model: "template:support/greet",
      messages: [{ role: "user", content: "ignored" }],
      metadata: { promptreg_input: JSON.stringify({ name: "Grace" }) },
    });
    expect(completion.choices[0]?.message.content).toContain("Say hello to Grace.");
  });

  it("streams chunks ending with finish_reason stop and usage", async () => {
    const stream = await openai.chat.completions.create({
      model: "template:support/greet",
      messages: [],
      stream: true,
      input: { name: "Linus" },
    } as OpenAI.ChatCompletionCreateParamsStreaming);
    let text = "";
    let finish: string | null | undefined;
    let totalTokens = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      totalTokens = chunk.usage?.total_tokens ?? totalTokens;
    }
    expect(text).toContain("Say hello to Linus.");
    expect(finish).toBe("stop");
    expect(totalTokens).toBeGreaterThan(0);
  });

  it("surfaces errors as SDK errors with our code", async () => {
    const error = await openai.chat.completions
      .create({ model: "template:support/nope", messages: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe("template_not_found");
    const invalid = await openai.chat.completions
      .create({ model: "template:support/greet", messages: [], input: {} } as TemplateParams)
      .catch((e: unknown) => e);
    expect((invalid as InstanceType<typeof OpenAI.APIError>).status).toBe(422);
  });

  it("raises an SDK error when the upstream stream is cut mid-way", async () => {
    const client = new OpenAI({
      baseURL: `${cutting.url}/v1`,
      apiKey: "unused",
      maxRetries: 0,
      fetch: createSigningFetch({ keyId: "app-main", secret: SECRETS.main }),
    });
    const stream = await client.chat.completions.create({
      model: "template:support/greet",
      messages: [],
      stream: true,
      input: { name: "Ada Lovelace of London" },
    } as OpenAI.ChatCompletionCreateParamsStreaming);
    const consume = async () => {
      for await (const _ of stream) {
        // drain
      }
    };
    await expect(consume()).rejects.toBeInstanceOf(OpenAI.APIError);
  });

  it("rejects an unsigned SDK call with 401", async () => {
    const unsigned = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "sk-anything", maxRetries: 0 });
    const error = await unsigned.chat.completions
      .create({ model: "template:support/greet", messages: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
