import { createClient, NotFoundError, PromptregError } from "@promptreg/client";
import { createMockGateway, type MockGateway } from "@promptreg/mock-gateway";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fixtureRegistry, SECRETS, startTestServer, type TestServer, testGateway } from "./harness.js";

/** The real app on a loopback port, the real mock gateway on another, driven through the real client SDK. */
let mock: MockGateway;
let server: TestServer;
let slow: TestServer;
let cut: TestServer;
const upstreamSignals: AbortSignal[] = [];

beforeAll(async () => {
  mock = await createMockGateway({});
  const registry = await fixtureRegistry();
  server = await startTestServer({ registry, gateway: testGateway({ baseUrl: mock.url }) });
  slow = await startTestServer({
    registry,
    gateway: testGateway({
      baseUrl: mock.url,
      headers: { "x-mock-faults": "stall:after=1" },
      maxAttempts: 1,
      fetch: (input, init) => {
        if (init?.signal) upstreamSignals.push(init.signal);
        return fetch(input, init);
      },
    }),
  });
  cut = await startTestServer({
    registry,
    gateway: testGateway({ baseUrl: mock.url, headers: { "x-mock-faults": "cut:after=1" } }),
  });
});
afterAll(async () => {
  await server.close();
  await slow.close();
  await cut.close();
  await mock.close();
});

const clientFor = (target: TestServer, keyId = "app-main", secret = SECRETS.main) =>
  createClient({ baseUrl: target.url, keyId, secret, retry: { maxRetries: 0 } });

describe("end to end through @promptreg/client", () => {
  it("renders and runs", async () => {
    const client = clientFor(server);
    const rendered = await client.render("support/summarize@production", { ticket: "Broken login" });
    expect(rendered.ref).toMatchObject({ id: "support/summarize", version: "1.0.0" });
    expect(rendered.messages).toHaveLength(2);
    const run = await client.run("support/summarize@staging", { ticket: "Broken login", customer: "Ada" });
    expect(run.output).toMatchObject({ sentiment: "positive" });
    expect(run.usage.totalTokens).toBeGreaterThan(0);
  });

  it("streams deltas then a final event", async () => {
    const client = clientFor(server);
    const events = [];
    for await (const event of client.stream("support/greet", { name: "Grace" })) events.push(event);
    const final = events.at(-1);
    expect(final?.type).toBe("final");
    const text = events.flatMap((event) => (event.type === "delta" ? [event.text] : [])).join("");
    expect(final && "text" in final ? final.text : "").toBe(text);
  });

  it("maps errors to the client's typed errors", async () => {
    const client = clientFor(server);
    await expect(client.render("support/unknown", {})).rejects.toBeInstanceOf(NotFoundError);
    const restricted = clientFor(server, "app-support", SECRETS.support);
    await expect(restricted.render("billing/explain-invoice", { line: "x" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const invalid = await client.render("support/greet", {}).catch((error: unknown) => error);
    expect(PromptregError.isInstance(invalid)).toBe(true);
    expect((invalid as PromptregError).status).toBe(422);
  });

  it("a stream cut upstream surfaces as a typed error in the client", async () => {
    const client = clientFor(cut);
    const consume = async () => {
      for await (const _ of client.stream("support/greet", { name: "Ada Lovelace of London" })) {
        // drain
      }
    };
    const error = await consume().catch((e: unknown) => e);
    expect(PromptregError.isInstance(error)).toBe(true);
  });

  it("breaking out of a stream disconnects and the service aborts the upstream call", async () => {
    const client = clientFor(slow);
    for await (const event of client.stream("support/greet", { name: "Ada" })) {
      expect(event.type).toBe("delta");
      break;
    }
    await vi.waitFor(() => expect(upstreamSignals.at(-1)?.aborted).toBe(true), { timeout: 30_000 });
  });
});
