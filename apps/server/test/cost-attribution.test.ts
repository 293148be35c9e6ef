import { createClient, createSigningFetch } from "@promptreg/client";
import { createMockGateway, type MockGateway } from "@promptreg/mock-gateway";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureRegistry, SECRETS, startTestServer, type TestServer, testGateway } from "./harness.js";

/** Business dimensions on /v1/run: checked against the client's declaration, counted in /metrics. */
let mock: MockGateway;
let server: TestServer;

beforeAll(async () => {
  mock = await createMockGateway({});
  server = await startTestServer({
    registry: await fixtureRegistry(),
    gateway: testGateway({ baseUrl: mock.url }),
  });
});
afterAll(async () => {
  await server.close();
  await mock.close();
});

const RUN = { ref: "support/greet", input: { name: "Ada" } };
const web = { keyId: "app-web", secret: SECRETS.web };

async function metricLines(name: string): Promise<string[]> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return text.split("\n").filter((line) => line.startsWith(`${name}{`));
}

describe("cost attribution on POST /v1/run", { timeout: 60_000 }, () => {
  it("counts cost and tokens under the declared dimensions, and `none` for those left out", async () => {
    const response = await server.signed("/v1/run", {
      ...web,
      body: { ...RUN, dimensions: { feature: "search", customer_tier: "pro" } },
    });
    expect(response.status).toBe(200);
    const { cost, usage } = (await response.json()) as {
      cost: number;
      usage: { promptTokens: number; completionTokens: number };
    };
    const partial = await server.signed("/v1/run", {
      ...web,
      body: { ...RUN, dimensions: { feature: "checkout" } },
    });
    expect(partial.status).toBe(200);
    const plain = await server.signed("/v1/run", { body: RUN });
    expect(plain.status).toBe(200);

    const costs = await metricLines("promptreg_cost_usd_total");
    expect(costs).toContainEqual(
      `promptreg_cost_usd_total{template="support/greet",template_version="1.0.0",client="app-web",customer_tier="pro",feature="search"} ${cost}`,
    );
    expect(costs.some((l) => l.includes('client="app-web",customer_tier="none",feature="checkout"'))).toBe(
      true,
    );
    expect(costs.some((l) => l.includes('client="app-main",customer_tier="none",feature="none"'))).toBe(true);
    const tokens = await metricLines("promptreg_tokens_total");
    expect(tokens).toContainEqual(
      `promptreg_tokens_total{template="support/greet",template_version="1.0.0",client="app-web",customer_tier="pro",feature="search",type="input"} ${usage.promptTokens}`,
    );
    expect(tokens).toContainEqual(
      `promptreg_tokens_total{template="support/greet",template_version="1.0.0",client="app-web",customer_tier="pro",feature="search",type="output"} ${usage.completionTokens}`,
    );
  });

  it("reports cost and tokens per dimension value in GET /v1/stats", async () => {
    const stats = (await (await server.signed("/v1/stats")).json()) as {
      byDimension: { window5m: Record<string, Record<string, { requests: number; costUsd: number }>> };
    };
    expect(stats.byDimension.window5m.feature?.search).toMatchObject({
      requests: 1,
      costUsd: expect.any(Number),
    });
    expect(stats.byDimension.window5m.feature?.checkout?.requests).toBe(1);
    expect(stats.byDimension.window5m.customer_tier?.none?.requests).toBeGreaterThanOrEqual(2);
  });

  it("answers 422 dimension_not_allowed naming the dimension, before calling the model", async () => {
    const before = mock.stats().requests;
    for (const [dimensions, dimension, allowed] of [
      [{ feature: "serach" }, "feature", ["search", "checkout"]],
      [{ team: "growth" }, "team", []],
    ] as const) {
      const response = await server.signed("/v1/run", { ...web, body: { ...RUN, dimensions } });
      expect(response.status).toBe(422);
      const body = (await response.json()) as { error: { code: string; message: string; details: unknown } };
      expect(body.error).toMatchObject({ code: "dimension_not_allowed", details: { dimension, allowed } });
      expect(body.error.message).toContain(`dimensions.${dimension}`);
    }
    // A client that declares nothing may send nothing.
    const undeclared = await server.signed("/v1/run", {
      body: { ...RUN, dimensions: { feature: "search" } },
    });
    expect(undeclared.status).toBe(422);
    expect(mock.stats().requests).toBe(before);
    const costs = await metricLines("promptreg_cost_usd_total");
    expect(costs.some((l) => l.includes("serach") || l.includes("growth"))).toBe(false);
  });

  it("the client SDK (run and stream) and the OpenAI facade pass dimensions", async () => {
    const checkoutInputTokens = async () =>
      Number(
        (await metricLines("promptreg_tokens_total"))
          .find((l) => l.includes('client="app-web",customer_tier="none",feature="checkout",type="input"'))
          ?.split(" ")[1],
      );
    const before = await checkoutInputTokens(); // one run of the same template and input so far
    const client = createClient({ baseUrl: server.url, ...web, retry: { maxRetries: 0 } });
    await client.run("support/greet", { name: "Ada" }, { dimensions: { feature: "checkout" } });
    for await (const _ of client.stream(
      "support/greet",
      { name: "Ada" },
      { dimensions: { feature: "checkout" } },
    )) {
    }
    expect(await checkoutInputTokens()).toBe(3 * before); // the run and the stream were both attributed
    const refused = await client
      .run("support/greet", { name: "Ada" }, { dimensions: { feature: "nope" } })
      .catch((e: unknown) => e);
    expect((refused as { code?: string }).code).toBe("dimension_not_allowed");
    expect((refused as { status?: number }).status).toBe(422);

    const openai = new OpenAI({
      baseURL: `${server.url}/v1`,
      apiKey: "not-used-requests-are-signed",
      maxRetries: 0,
      fetch: createSigningFetch(web),
    });
    await openai.chat.completions.create({
      model: "template:support/greet",
      messages: [],
      input: { name: "Ada" },
      dimensions: { feature: "checkout", customer_tier: "free" },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const costs = await metricLines("promptreg_cost_usd_total");
    // run + stream + the earlier test's run: three runs under (none, checkout) so far.
    expect(costs.some((l) => l.includes('client="app-web",customer_tier="none",feature="checkout"'))).toBe(
      true,
    );
    expect(costs.some((l) => l.includes('client="app-web",customer_tier="free",feature="checkout"'))).toBe(
      true,
    );
    const chat = (await metricLines("promptreg_tokens_total")).find((l) =>
      l.includes('customer_tier="none",feature="checkout",type="input"'),
    );
    expect(chat).toBeDefined();
  });

  it("refuses a dimensions field that is not a small string map (400 invalid_body)", async () => {
    for (const dimensions of [{ feature: 3 }, { feature: "x".repeat(65) }, ["search"]]) {
      const response = await server.signed("/v1/run", { ...web, body: { ...RUN, dimensions } });
      expect(response.status).toBe(400);
    }
  });
});
