import { loadRegistryFromDir } from "@promptreg/registry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRegistryHolder } from "../src/logic/registry-holder.js";
import { FIXTURE_TEMPLATES, SECRETS, startTestServer, type TestServer } from "./harness.js";

let server: TestServer;
beforeAll(async () => {
  const registry = createRegistryHolder({
    load: () => loadRegistryFromDir(FIXTURE_TEMPLATES),
    createRenderer: () => ({
      render: () => {
        throw new Error("not used by these tests");
      },
      renderVersion: () => {
        throw new Error("not used by these tests");
      },
    }),
  });
  await registry.reload();
  server = await startTestServer({ registry });
});
afterAll(async () => {
  await server.close();
});

describe("GET /v1/templates", () => {
  it("lists ids, versions, labels, description and tags", async () => {
    const response = await server.signed("/v1/templates");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { id: string }[]; nextCursor: string | null };
    expect(body.data.map((t) => t.id)).toEqual([
      "billing/explain-invoice",
      "support/greet",
      "support/summarize",
    ]);
    expect(body.data[2]).toMatchObject({
      versions: ["1.0.0", "1.1.0"],
      labels: { production: "1.0.0", staging: "1.1.0" },
      latest: "1.1.0",
      tags: ["support", "summarization"],
      description: expect.stringContaining("Summarise"),
    });
    expect(body.nextCursor).toBeNull();
  });

  it("filters by tag, owner and prefix", async () => {
    const ids = async (query: string) =>
      ((await (await server.signed(`/v1/templates?${query}`)).json()) as { data: { id: string }[] }).data.map(
        (t) => t.id,
      );
    expect(await ids("tag=summarization")).toEqual(["support/summarize"]);
    expect(await ids("owner=billing%40example.com")).toEqual(["billing/explain-invoice"]);
    expect(await ids("prefix=support%2F")).toEqual(["support/greet", "support/summarize"]);
    expect(await ids("status=draft")).toEqual([]);
  });

  it("paginates with a cursor", async () => {
    const first = (await (await server.signed("/v1/templates?limit=2")).json()) as {
      data: { id: string }[];
      nextCursor: string;
    };
    expect(first.data.map((t) => t.id)).toEqual(["billing/explain-invoice", "support/greet"]);
    expect(first.nextCursor).toBe("support/greet");
    const second = (await (
      await server.signed(`/v1/templates?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`)
    ).json()) as { data: { id: string }[]; nextCursor: string | null };
    expect(second.data.map((t) => t.id)).toEqual(["support/summarize"]);
    expect(second.nextCursor).toBeNull();
  });

  it("rejects a bad query with every failing parameter", async () => {
    const response = await server.signed("/v1/templates?limit=0&status=gone");
    const body = (await response.json()) as {
      error: { code: string; details: { issues: { path: string[] }[] } };
    };
    expect(response.status).toBe(400);
    expect(body.error.details.issues.map((issue) => issue.path[0]).sort()).toEqual(["limit", "status"]);
  });

  it("lists only the templates a restricted client may use", async () => {
    const response = await server.signed("/v1/templates", { keyId: "app-support", secret: SECRETS.support });
    const body = (await response.json()) as { data: { id: string }[] };
    expect(body.data.map((t) => t.id)).toEqual(["support/greet", "support/summarize"]);
  });
});

describe("GET /v1/templates/{id}", () => {
  it("returns the summary and the current definition for an id with slashes", async () => {
    const response = await server.signed("/v1/templates/support/summarize");
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown> & { current: Record<string, unknown> };
    expect(body).toMatchObject({ id: "support/summarize", versions: ["1.0.0", "1.1.0"] });
    expect(body.current).toMatchObject({
      version: "1.1.0",
      inputSchema: { type: "object", required: ["ticket", "customer"] },
      outputSchema: { type: "object" },
      examples: [{ name: "named" }],
      hash: expect.stringMatching(/^sha256:/),
    });
    expect(body.current).not.toHaveProperty("input");
  });

  it("returns an exact version with schemas and examples", async () => {
    const response = await server.signed("/v1/templates/support/summarize/versions/1.0.0");
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      id: "support/summarize",
      version: "1.0.0",
      model: { name: "openai/gpt-4o-mini", fallbacks: ["anthropic/claude-3-5-haiku"] },
      examples: [{ name: "short", input: { ticket: "My invoice is wrong." } }],
    });
    const greet = (await (await server.signed("/v1/templates/support/greet/versions/1.0.0")).json()) as {
      outputSchema: unknown;
    };
    expect(greet.outputSchema).toBeNull();
  });

  it("answers 404 for an unknown id or version, with suggestions", async () => {
    const id = await server.signed("/v1/templates/support/summarise");
    expect(id.status).toBe(404);
    expect(await id.json()).toMatchObject({ error: { type: "not_found", code: "template_not_found" } });
    const version = await server.signed("/v1/templates/support/summarize/versions/9.9.9");
    const body = (await version.json()) as { error: { message: string; details: { suggestions: string[] } } };
    expect(version.status).toBe(404);
    expect(body.error.details.suggestions).toEqual(["1.0.0", "1.1.0"]);
    expect(body.error.message).toContain("1.0.0, 1.1.0");
  });

  it("answers 404 when a restricted client asks for another prefix (allow-list.test.ts has the details)", async () => {
    const response = await server.signed("/v1/templates/billing/explain-invoice", {
      keyId: "app-support",
      secret: SECRETS.support,
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: { type: "not_found", code: "template_not_found", details: { suggestions: [] } },
    });
  });
});
