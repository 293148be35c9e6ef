import { loadRegistryFromBundle, loadRegistryFromDir, type RegistryBundle } from "@promptreg/registry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRegistryHolder } from "../src/logic/registry-holder.js";
import { FIXTURE_TEMPLATES, SECRETS, startTestServer, type TestServer } from "./harness.js";

let server: TestServer;
let loads = 0;
const registry = createRegistryHolder({
  load: () => {
    loads++;
    return loadRegistryFromDir(FIXTURE_TEMPLATES);
  },
  createRenderer: () => ({
    render: () => {
      throw new Error("not used by these tests");
    },
    renderVersion: () => {
      throw new Error("not used by these tests");
    },
  }),
});
beforeAll(async () => {
  await registry.reload();
  server = await startTestServer({ registry });
});
afterAll(async () => {
  await server.close();
});

describe("GET /v1/bundle", () => {
  it("answers the whole registry as a bundle whose hashes verify, with a strong ETag", async () => {
    const response = await server.signed("/v1/bundle");
    expect(response.status).toBe(200);
    const etag = response.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(response.headers.get("cache-control")).toBe("private, no-cache");
    const bundle = (await response.json()) as RegistryBundle;
    const rebuilt = loadRegistryFromBundle(bundle);
    const local = registry.current()!.registry;
    expect([...rebuilt.templates()].map((t) => `${t.id}@${t.version} ${t.hash}`)).toEqual(
      [...local.templates()].map((t) => `${t.id}@${t.version} ${t.hash}`),
    );
    expect(rebuilt.labels("support/summarize")).toEqual(local.labels("support/summarize"));
  });

  it("answers 304 without a body for the current ETag, also after a reload of unchanged templates", async () => {
    const first = await server.signed("/v1/bundle");
    const etag = first.headers.get("etag")!;
    const body = await first.text();
    const before = loads;
    await registry.reload();
    expect(loads).toBe(before + 1);
    const again = await server.signed("/v1/bundle", { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    // Same content, so the same bytes (createdAt included): a strong ETag must name one representation.
    const full = await server.signed("/v1/bundle");
    expect(await full.text()).toBe(body);
    const stale = await server.signed("/v1/bundle", { headers: { "if-none-match": '"0000"' } });
    expect(stale.status).toBe(200);
    expect(await stale.text()).toBe(body);
  });

  it("gives a restricted client only its templates, their labels and the partials they use", async () => {
    const response = await server.signed("/v1/bundle", { keyId: "app-support", secret: SECRETS.support });
    expect(response.status).toBe(200);
    const bundle = (await response.json()) as RegistryBundle;
    expect(new Set(bundle.templates.map((t) => t.id))).toEqual(
      new Set(["support/greet", "support/summarize"]),
    );
    expect(Object.keys(bundle.labels).every((id) => id.startsWith("support/"))).toBe(true);
    const everything = (await (await server.signed("/v1/bundle")).json()) as RegistryBundle;
    expect(JSON.stringify(bundle)).not.toContain("billing/");
    expect(response.headers.get("etag")).not.toBe((await server.signed("/v1/bundle")).headers.get("etag"));
    // What is left still verifies: each template's hash covers exactly the partials it uses.
    expect([...loadRegistryFromBundle(bundle).templates()]).toHaveLength(bundle.templates.length);
    for (const name of Object.keys(bundle.partials))
      expect(everything.partials[name]).toBe(bundle.partials[name]);
  });

  it("is signed like every /v1 route", async () => {
    const response = await fetch(`${server.url}/v1/bundle`);
    expect(response.status).toBe(401);
  });
});
