import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createMockGateway, type MockGateway } from "@promptreg/mock-gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FIXTURE_TEMPLATES,
  fixtureRegistry,
  SECRETS,
  startTestServer,
  type TestServer,
  testGateway,
} from "./harness.js";

// A client limited to "support/" must not learn which other templates exist: asking for one that exists outside
// its list is answered exactly like asking for one that does not exist (the same service without it), and "did
// you mean" suggests only templates the client may use.
let mock: MockGateway;
let dir: string;
let withBilling: TestServer;
let withoutBilling: TestServer;

beforeAll(async () => {
  mock = await createMockGateway({});
  dir = await mkdtemp(path.join(tmpdir(), "promptreg-allow-list-"));
  await cp(FIXTURE_TEMPLATES, dir, { recursive: true });
  await rm(path.join(dir, "billing"), { recursive: true });
  withBilling = await startTestServer({
    registry: await fixtureRegistry(),
    gateway: testGateway({ baseUrl: mock.url }),
  });
  withoutBilling = await startTestServer({
    registry: await fixtureRegistry(dir),
    gateway: testGateway({ baseUrl: mock.url }),
  });
});

afterAll(async () => {
  await withBilling.close();
  await withoutBilling.close();
  await mock.close();
  await rm(dir, { recursive: true, force: true });
});

const SUPPORT_ONLY = { keyId: "app-support", secret: SECRETS.support };

interface Answer {
  status: number;
  body: { error: { code: string; message: string; requestId?: string; details: { suggestions: string[] } } };
}

async function ask(server: TestServer, call: { path: string; body?: unknown }): Promise<Answer> {
  const response = await server.signed(call.path, { ...SUPPORT_ONLY, body: call.body });
  const body = (await response.json()) as Answer["body"];
  delete body.error.requestId;
  return { status: response.status, body };
}

/** Every way to name a template: the templates API, render, run and the OpenAI facade. */
function callsFor(id: string) {
  return [
    { path: `/v1/templates/${id}` },
    { path: `/v1/templates/${id}/versions/1.0.0` },
    { path: "/v1/render", body: { ref: id, input: { line: "VAT" } } },
    { path: "/v1/render", body: { ref: `${id}@1.0.0`, input: { line: "VAT" } } },
    { path: "/v1/run", body: { ref: id, input: { line: "VAT" } } },
    { path: "/v1/chat/completions", body: { model: `template:${id}`, input: { line: "VAT" } } },
  ];
}

describe("a client limited by an allow-list", () => {
  for (const call of callsFor("billing/explain-invoice")) {
    it(`gets the same 404 for "exists but not yours" as for "does not exist": ${call.path} ${JSON.stringify(call.body ?? "")}`, async () => {
      const hidden = await ask(withBilling, call);
      const absent = await ask(withoutBilling, call);
      expect(hidden.status).toBe(404);
      expect(hidden.body.error.code).toBe("template_not_found");
      expect(hidden).toEqual(absent);
    });
  }

  for (const call of callsFor("billing/explain-invoic")) {
    it(`is never suggested a template outside its list: ${call.path}`, async () => {
      const answer = await ask(withBilling, call);
      expect(answer.status).toBe(404);
      expect(answer.body.error.details.suggestions).toEqual([]);
      expect(JSON.stringify(answer.body)).not.toContain("billing/explain-invoice");
      expect(answer).toEqual(await ask(withoutBilling, call));
    });
  }

  for (const call of callsFor("support/gret")) {
    it(`is suggested the templates it may use: ${call.path}`, async () => {
      const answer = await ask(withBilling, call);
      expect(answer.status).toBe(404);
      expect(answer.body.error.details.suggestions).toEqual(["support/greet"]);
      expect(answer.body.error.message).toContain('"support/greet"');
    });
  }
});
